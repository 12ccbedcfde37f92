"""Review: the queue, one case, what reviewers do with it, its evidence and the dashboard."""
