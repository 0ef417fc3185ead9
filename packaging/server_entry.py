"""Entry point of the optional server bundle (packaging/ehdesk-server.spec): ``ehdesk-server``."""

from __future__ import annotations

import multiprocessing
import sys


def main() -> int:
    multiprocessing.freeze_support()  # uvicorn workers on Windows start through multiprocessing
    from ehdesk.server.cli import main as server_main

    return server_main()


if __name__ == "__main__":
    sys.exit(main())
