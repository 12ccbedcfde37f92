"""Personal data: retention (data minimisation) and subject access."""
