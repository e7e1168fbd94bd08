"""rumrules.index (in progress)."""
