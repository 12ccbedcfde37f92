"""The model in service: scoring posts with the active model and reviewers' corrections of it."""
