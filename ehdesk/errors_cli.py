"""How both command-line programs end: a user's mistake is one plain line and exit 2, Ctrl+C is
130, anything else is one line naming only the error's class (its message could quote personal
data) and exit 1. Never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Callable

from ehdesk.errors import EhdeskError


def run_reporting_errors(prog: str, action: Callable[[], int]) -> int:
    try:
        return int(action() or 0)
    except EhdeskError as exc:
        print(f"{prog}: {exc.message}", file=sys.stderr)  # noqa: T201
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: stopped.", file=sys.stderr)  # noqa: T201
        return 130
    except Exception as exc:  # noqa: BLE001
        print(  # noqa: T201
            f"{prog}: something went wrong ({type(exc).__name__}). Nothing further was changed.",
            file=sys.stderr,
        )
        return 1
