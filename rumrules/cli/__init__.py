"""rumrules.cli (in progress)."""
