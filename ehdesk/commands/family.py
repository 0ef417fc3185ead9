"""``ehdesk family list``."""

from __future__ import annotations

import json

from ehdesk.casework.families import list_families
from ehdesk.commands.common import open_profile


def register(sub) -> None:
    family = sub.add_parser("family", help="families in a worker's store")
    fsub = family.add_subparsers(dest="family_command", metavar="{list}")
    fsub.required = True
    listing = fsub.add_parser("list", help="id, reference and members' names of each family")
    listing.add_argument("--profile", required=True)
    listing.add_argument("--json", action="store_true", help="print JSON (the only format for now)")
    listing.set_defaults(handler=_list)


def _list(args) -> int:
    store = open_profile(args)
    try:
        with store.session() as s:
            families = list_families(s)
    finally:
        store.close()
    print(
        json.dumps(
            [{"id": f.id, "reference": f.reference, "members": f.member_names} for f in families],
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0
