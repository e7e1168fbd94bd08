"""rumrules.contrib (in progress)."""
