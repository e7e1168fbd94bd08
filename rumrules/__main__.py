"""``python -m rumrules``: the same as the ``rumrules`` command."""

from rumrules.cli import main

raise SystemExit(main())
