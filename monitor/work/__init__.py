"""Background work: the tasks, the scheduler, where tasks run (threads or Celery) and leader election."""
