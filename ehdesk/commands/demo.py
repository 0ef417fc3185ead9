"""``ehdesk demo-data``: realistic synthetic families for demos, tests and benchmarks."""

from __future__ import annotations

from ehdesk.commands.common import Progress, open_profile
from ehdesk.errors import EhdeskError


def register(sub) -> None:
    demo = sub.add_parser("demo-data", help="fill a profile with deterministic synthetic families")
    demo.add_argument("--profile", required=True)
    demo.add_argument("--families", required=True, type=int, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")
    demo.add_argument(
        "--workers",
        type=int,
        metavar="P",
        help="processes that make the families (default: one per core, up to 4, for 1000 families or more)",
    )
    demo.set_defaults(handler=_demo)


def _demo(args) -> int:
    from ehdesk.demo import generate

    if not 1 <= args.families <= 100_000:
        raise EhdeskError("--families must be between 1 and 100000.")
    if not 0 <= args.seed <= 9999:  # it is part of each family's reference (EH-SSNNNNNN)
        raise EhdeskError("--seed must be between 0 and 9999.")
    if args.workers is not None and not 1 <= args.workers <= 16:
        raise EhdeskError("--workers must be between 1 and 16.")
    store = open_profile(args)
    try:
        generate(
            store,
            args.families,
            seed=args.seed,
            progress=Progress("Families", args.families),
            workers=args.workers,
        )
    finally:
        store.close()
    print(f"Added {args.families} demo families.")
    return 0
