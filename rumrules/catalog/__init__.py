"""rumrules.catalog (in progress)."""
