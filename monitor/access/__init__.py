"""Who may use the review page besides their password (monitor/auth.py): sessions and the login throttle."""
