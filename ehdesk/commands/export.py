"""``ehdesk export``: the subject-access export."""

from __future__ import annotations

from pathlib import Path

from ehdesk.casework.export import export_to_file
from ehdesk.commands.common import open_profile
from ehdesk.paths import check_output_file


def register(sub) -> None:
    export = sub.add_parser("export", help="subject-access export of everything held, decrypted (audited)")
    export.add_argument("--profile", required=True)
    export.add_argument("--family", metavar="ID", help="only this family (default: all)")
    export.add_argument("--out", required=True, type=Path, metavar="FILE.json")
    export.set_defaults(handler=_export)


def _export(args) -> int:
    check_output_file(args.out, "export.json")
    store = open_profile(args)
    try:
        with store.session() as s:
            rows = export_to_file(s, args.out, args.family)
    finally:
        store.close()
    print(f"Exported {rows} records to {args.out}. This file is not encrypted: keep it safe.")
    return 0
