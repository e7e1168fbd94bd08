"""rumrules.rules (in progress)."""
