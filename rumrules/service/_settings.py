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

# What ``rumrules serve`` takes by default (docs/server.md, "Limits"); 0 turns a limit off.
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_REQUEST_SECONDS = 30.0
DEFAULT_MAX_EVENTS_PER_REQUEST = 1000
DEFAULT_EVENTS_PER_SECOND = 10_000.0
LIMIT_DEFAULTS = ("DEFAULT_MAX_BODY_BYTES", "DEFAULT_REQUEST_SECONDS",
                  "DEFAULT_MAX_EVENTS_PER_REQUEST", "DEFAULT_EVENTS_PER_SECOND")
__all__ += LIMIT_DEFAULTS
