"""Flagging: which scored posts open a case, opening them, and the near misses the rules let pass."""
