"""``ehdesk-server``: the central server arrives with the sync feature."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    print("ehdesk-server: the central server is not built yet.", file=sys.stderr)
    return 2
