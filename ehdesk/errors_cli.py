"""How both command-line programs end: a user's mistake is one plain line and exit 2, Ctrl+C is
130, a file the system would not read or write is one line naming the file and the reason (exit
1), anything else is one line naming only the error's class (its message could quote personal
data) and exit 1. Never a traceback."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from ehdesk.errors import EhdeskError


def parser_error_line(parser: argparse.ArgumentParser, program: str, message: str) -> str:
    """The one line both programs' parsers print for a mistake argparse caught. A command group
    given no sub-command says which there are ("ehdesk family: say what to do: list (see 'ehdesk
    family --help')."), for every group alike; anything else keeps argparse's message."""
    required = argparse._("the following arguments are required: %s") % ""
    if message.startswith(required):
        missing = message.removeprefix(required).split(", ")
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) and action.required:
                if argparse._get_action_name(action) in missing:
                    choices = ", ".join(action.choices)
                    return f"{parser.prog}: say what to do: {choices} (see '{parser.prog} --help').\n"
    return f"{program}: {message} (see '{program} --help')\n"


def run_reporting_errors(prog: str, action: Callable[[], int]) -> int:
    try:
        return int(action() or 0)
    except EhdeskError as exc:
        print(f"{prog}: {exc.message}", file=sys.stderr)  # noqa: T201
        return exc.exit_code
    except KeyboardInterrupt:
        print(f"{prog}: stopped.", file=sys.stderr)  # noqa: T201
        return 130
    except OSError as exc:
        if exc.filename is None or not exc.strerror:
            return _unexpected(prog, exc)
        # The file is one the user named (or the data folder): its name and the system's reason
        # ("Permission denied", "No space left on device") say what to do.
        print(  # noqa: T201
            f"{prog}: Could not use {exc.filename}: {exc.strerror}. Nothing further was changed.",
            file=sys.stderr,
        )
        return 1
    except Exception as exc:  # noqa: BLE001
        return _unexpected(prog, exc)


def _unexpected(prog: str, exc: BaseException) -> int:
    print(  # noqa: T201
        f"{prog}: something went wrong ({type(exc).__name__}). Nothing further was changed.",
        file=sys.stderr,
    )
    return 1
