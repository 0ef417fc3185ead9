"""``ehdesk tools``: list the progression tools on this laptop (and any file that cannot be used),
and import a council's licensed item wording for a tool shipped as structure only."""

from __future__ import annotations

from pathlib import Path

from ehdesk.errors import EhdeskError
from ehdesk.forms.tools import registry
from ehdesk.forms.tools.loader import seal_file


def register(sub) -> None:
    tools = sub.add_parser(
        "tools",
        help="progression-of-change tools: list them, import licensed wording, seal a changed tool file",
    )
    actions = tools.add_subparsers(dest="tools_action", metavar="{list,import-wording,seal}", required=True)
    listing = actions.add_parser("list", help="the tools available, and any tool file that cannot be used")
    listing.set_defaults(handler=_list)
    wording = actions.add_parser("import-wording", help="import a council's licensed wording for a tool")
    wording.add_argument("file", type=Path, metavar="WORDING.json")
    wording.add_argument("--tool", required=True, metavar="ID", help="e.g. score15, rcads")
    wording.add_argument("--version", type=int, metavar="N", help="the tool version (default: newest)")
    wording.set_defaults(handler=_import)
    sealing = actions.add_parser(
        "seal", help="check a tool file written or changed on purpose, and stamp its checksum"
    )
    sealing.add_argument("file", type=Path, metavar="TOOL.json")
    sealing.set_defaults(handler=_seal)


def _list(args) -> int:
    registry.use_data_dir(args.data_dir)
    found = registry.available()
    for tool in found.latest():
        wording = {
            "own": "own wording",
            "not_included": "wording not included",
            "imported": "licensed wording imported",
        }
        print(f"{tool.id} v{tool.version}\t{tool.title}\t{len(tool.items)} items\t{wording[tool.wording]}")
    for error in found.errors:
        print(f"NOT LOADED: {error}")
    return 1 if found.errors else 0


def _import(args) -> int:
    registry.use_data_dir(args.data_dir)
    _check_file(args.file)
    try:
        tool = registry.import_file(args.file, args.tool, args.version)
    except KeyError as exc:
        if exc.args and isinstance(exc.args[0], tuple):  # the tool is there, not that version
            raise EhdeskError(
                f"The tool {args.tool!r} has no version {args.version} (see: ehdesk tools list)."
            ) from None
        raise EhdeskError(f"There is no tool called {args.tool!r} (see: ehdesk tools list).") from None
    print(f"Imported the licensed wording of {tool.title} version {tool.version} ({len(tool.items)} items).")
    return 0


def _seal(args) -> int:
    _check_file(args.file)
    tool = seal_file(args.file)
    print(f"{args.file.name}: {tool.title} version {tool.version} checked and sealed.")
    return 0


def _check_file(path: Path) -> None:
    if path.is_dir():
        raise EhdeskError(f"{path} is a folder: give the JSON file in it.")
    if not path.is_file():
        raise EhdeskError(f"The file {path} does not exist.")
