"""rumrules.ingest (in progress)."""
