"""The emulated service's defaults, kept once: the account and region it reports, and where
``rumrules serve`` listens and stores (the command line reads these without importing the
server stack)."""

__all__ = ["DEFAULT_ACCOUNT_ID", "DEFAULT_REGION", "DEFAULT_HOST", "DEFAULT_PORT",
           "DEFAULT_DATA"]

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 9094
DEFAULT_DATA = "rumrules-data"
