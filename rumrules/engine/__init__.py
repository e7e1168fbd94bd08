"""rumrules.engine (in progress)."""
