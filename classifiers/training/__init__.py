"""Training a model version and evaluating it: the fine-tuning loop, the whole run, the reports.

Nothing here is imported by `classifiers.inference`: scoring needs no training code."""
