"""``ehdesk refused --profile NAME [--json] [--dismiss CHANGE]``: the changes the council server
refused, which are on this laptop only (``sync.refusals``): what each was, the family's
reference and the server's reason, as the app's Conflicts screen lists them. ``--dismiss`` says
one has been dealt with. Families are named by reference only, as ``family list`` does."""

from __future__ import annotations

import json

from ehdesk.commands.common import open_profile
from ehdesk.errors import EhdeskError


def register(sub) -> None:
    parser = sub.add_parser("refused", help="the changes the council server did not accept, with its reasons")
    parser.add_argument("--profile", required=True, help="the worker profile")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--dismiss", type=int, metavar="CHANGE", help="stop listing this change (it has been dealt with)"
    )
    parser.set_defaults(handler=_refused)


def _refused(args) -> int:
    from ehdesk.sync.refusals import dismiss, open_refusals

    store = open_profile(args)
    try:
        with store.session() as s:
            refusals = open_refusals(s)
            if args.dismiss is not None:
                if args.dismiss not in {r.seq for r in refusals}:
                    raise EhdeskError(f"No refused change {args.dismiss} is listed on this laptop.")
                dismiss(s, args.dismiss)
                refusals = [r for r in refusals if r.seq != args.dismiss]
    finally:
        store.close()
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "change": r.seq,
                        "family_id": r.family_id,
                        "reference": r.reference,
                        "what": r.what,
                        "reason": r.reason,
                        "refused_at": r.refused_at.isoformat(),
                    }
                    for r in refusals
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    if not refusals:
        print("The council server has accepted every change on this laptop.")
        return 0
    many = len(refusals) != 1
    print(
        f"{len(refusals)} change{'s' if many else ''} the council server did not accept "
        f"({'they are' if many else 'it is'} on this laptop only):"
    )
    for r in refusals:
        family = f"  {r.reference}" if r.reference else ""
        print(f"  change {r.seq}{family}  {r.what}: {r.reason}")
    return 0
