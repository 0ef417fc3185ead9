"""Deterministic synthetic data for demos, tests and benchmarks: the same seed gives the same
families (names, dates, cases); ids are fresh so two demo profiles never collide when synced.

Each feature adds a step to ``STEPS``: ``step(session, rng, pack, today, worker, family_ids)`` is
called once per batch, in the batch's transaction, after that batch's families, members,
referrals, consent and episodes exist (``family_ids``: the ids made in this batch; ``worker``:
``(worker_id, worker_name)``). A step draws only from ``rng`` so the data stays deterministic."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from sqlalchemy import event

from ehdesk.casework import audit
from ehdesk.config.pack import current_pack
from ehdesk.demo import parallel
from ehdesk.demo.agreements import review_demo_agreements, sign_demo_agreements
from ehdesk.demo.assessments import add_assessments
from ehdesk.demo.closing import closing_step
from ehdesk.demo.families import make_family
from ehdesk.demo.page_cache import large_page_cache
from ehdesk.demo.plans import plans_step
from ehdesk.demo.supporting_families import supporting_families_step
from ehdesk.demo.team import ensure_staff, team_step
from ehdesk.store import Store
from ehdesk.store.bulk import bulk_writes

BATCH = 50  # one transaction, and one progress report, per 50 families

# Later features append their steps here (assessments, readings, plans, meetings, agreements ...).
STEPS: list[Callable] = [
    add_assessments,
    sign_demo_agreements,
    plans_step,
    review_demo_agreements,
    team_step,
    closing_step,  # last but one: a case is closed once its story is recorded
    supporting_families_step,
]
DEMO_TODAY = None  # tests may pin "today" for fully reproducible dates


def _hold_every_row(session) -> list:
    """Hold every row the batch adds or reads for the whole transaction. The session keeps only
    weak references, so without this a casework operation's look-up of a record an earlier one
    made (``session.get`` of a family, a meeting, a plan action) would miss, flush the session and
    query the store again: that was a fifth of the demo's time."""
    held: list = []
    for name in ("transient_to_pending", "loaded_as_persistent"):
        event.listen(session, name, lambda _session, row: held.append(row))
    return held


def batch_rng(seed: int, first: int) -> random.Random:
    """The draws of the batch whose first family is number ``first`` (from 0): a stream of its own,
    fixed by the seed and that number, so a batch tells the same story whichever process makes it
    and whatever was made before it (``demo.parallel``)."""
    return random.Random(f"ehdesk demo {seed} from {first}")


def make_batch(session, pack, today: date, worker: tuple[str, str], seed: int, first: int, size: int) -> None:
    """Families ``first`` to ``first + size - 1`` and every step of their stories, in ``session``
    (a bulk unit of work: ``store.bulk``)."""
    rng = batch_rng(seed, first)
    held = _hold_every_row(session)
    family_ids = [
        make_family(session, rng, pack, i + 1, seed, today, worker) for i in range(first, first + size)
    ]
    for step in STEPS:
        step(session, rng, pack, today, worker, family_ids)
    del held


def generate(
    store: Store,
    families: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
    workers: int | None = None,
) -> None:
    """``families`` demo families in ``store``, a transaction per batch of ``BATCH``. ``workers``:
    how many processes make the batches (``demo.parallel``); by default more than one only for a
    large demo on a machine with the cores for it. The story is the same either way."""
    pack = current_pack()
    today = today or DEMO_TODAY or date.today()
    worker = (store.worker_id, store.profile.name)
    with store.session() as session:
        ensure_staff(session, worker)  # every batch's families join this team: made once, first
    batches = [(first, min(BATCH, families - first)) for first in range(0, families, BATCH)]
    workers = parallel.workers_for(families) if workers is None else workers
    if workers > 1:
        parallel.make_batches(store, batches, seed, today, workers, progress)
    else:
        for first, size in batches:
            with (
                store.session() as session,
                large_page_cache(session.connection()),
                bulk_writes(session, store),
            ):
                make_batch(session, pack, today, worker, seed, first, size)
            if progress:
                progress(first + size)
    with store.session() as session, bulk_writes(session, store):
        audit.record(session, "change", "demo_data", "", None, families=families, seed=seed)
