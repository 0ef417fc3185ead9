"""The ``ehdesk`` command: the desktop app by default, headless sub-commands for IT, support,
automation, demos, tests and benchmarks (../shared/CLI.md is the contract).

Every error a user can cause ends as one plain-English line on stderr and exit status 2; an
unexpected failure prints one line too (never a traceback, which could carry personal data)."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from types import SimpleNamespace

from ehdesk import __version__
from ehdesk.commands import COMMAND_MODULES
from ehdesk.errors import EhdeskError
from ehdesk.errors_cli import parser_error_line, run_reporting_errors
from ehdesk.paths import default_data_dir


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, not argparse's usage dump
        self.exit(2, parser_error_line(self, "ehdesk", message))


def _global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"ehdesk {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="where profiles live (default: user data folder)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the app on a demo profile (made on first use)"
    )
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="FILE.png",
        help="with --demo: save the caseload as FILE.png, with FILE-signin.png and FILE-family.png "
        "beside it, and exit",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="ehdesk",
        description="Early Help case recording that works offline. With no command, opens the app.",
    )
    _global_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _plain_app_arguments(argv: list[str]) -> SimpleNamespace | None:
    """The arguments of the usual starts, ``ehdesk`` and ``ehdesk --data-dir DIR``, read without
    an argparse parser: building one translates each help text (gettext looks for catalogues on
    disk, loading ``locale``), about 4 M instructions before the sign-in screen. Anything else
    (None) goes through argparse, its checks and messages."""
    if not argv:
        data_dir = None
    elif len(argv) == 2 and argv[0] == "--data-dir":
        data_dir = argv[1]
    elif len(argv) == 1 and argv[0].startswith("--data-dir="):
        data_dir = argv[0].removeprefix("--data-dir=")
    else:
        return None
    if data_dir is not None and (not data_dir or data_dir.startswith("-")):
        return None  # argparse's message for a missing value
    return SimpleNamespace(data_dir=Path(data_dir) if data_dir else None, demo=False, screenshot=None)


def _app_arguments(argv: list[str]) -> argparse.Namespace | SimpleNamespace | None:
    """The arguments, if they only open the app. Opening the app must not wait for every
    command's imports (the ORM, crypto, reportlab): the sign-in screen should be up at once."""
    plain = _plain_app_arguments(argv)
    if plain is not None:
        return plain
    # --version too: the light parser would answer a command's own --version (tools
    # import-wording --version N) with the app's version, and exit 0 having done nothing.
    if any(arg in ("-h", "--help", "--version") or arg.startswith("--version=") for arg in argv):
        return None
    light = _Parser(prog="ehdesk", add_help=False)
    _global_options(light)
    args, rest = light.parse_known_args(argv)
    return None if rest else args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = _app_arguments(argv)
    if args is None:
        args = build_parser().parse_args(argv)
    else:
        args.command = None
    args.data_dir = args.data_dir or default_data_dir()
    return run_reporting_errors("ehdesk", lambda: _run(args))


def _run(args) -> int:
    if args.command is None:
        if args.screenshot and not args.demo:
            raise EhdeskError("--screenshot needs --demo.")
        from ehdesk.ui.app import run_app

        return run_app(args)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
