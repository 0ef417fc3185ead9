"""``ehdesk family list``: which families a worker's store holds, for IT and automation.

Members' names are printed only when asked for (``--names``): a list of every family's members
is the most personal thing the command line can show. Each listing is audited like a view."""

from __future__ import annotations

import json

from ehdesk.casework import audit
from ehdesk.casework.families import list_families
from ehdesk.commands.common import open_profile


def register(sub) -> None:
    family = sub.add_parser("family", help="families in a worker's store")
    fsub = family.add_subparsers(dest="family_command", metavar="{list}")
    fsub.required = True
    listing = fsub.add_parser(
        "list", help="id, reference and number of members of each family (--names: their names)"
    )
    listing.add_argument("--profile", required=True)
    listing.add_argument("--json", action="store_true", help="print JSON (the only format for now)")
    listing.add_argument(
        "--names", action="store_true", help="print each member's name too (audited as a view of them)"
    )
    listing.set_defaults(handler=_list)


def _list(args) -> int:
    store = open_profile(args)
    try:
        with store.session() as s:
            families = list_families(s)
            audit.record(s, "view", "family_list", "", None, families=len(families), names=bool(args.names))
    finally:
        store.close()
    print(
        json.dumps(
            [
                {
                    "id": f.id,
                    "reference": f.reference,
                    "members": f.member_names if args.names else len(f.member_names),
                }
                for f in families
            ],
            indent=2,
            ensure_ascii=False,
        )
    )
    return 0
