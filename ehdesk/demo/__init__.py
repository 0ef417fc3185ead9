"""Deterministic synthetic data for demos, tests and benchmarks: the same seed gives the same
families (names, dates, cases); ids are fresh so two demo profiles never collide when synced.

Each feature adds a step to ``STEPS``: a function ``step(session, rng, pack, today, worker)`` run
once per batch after the families of that batch exist (see ``ehdesk.demo.families``)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date

from ehdesk.casework import audit
from ehdesk.config.pack import current_pack
from ehdesk.demo.families import make_family
from ehdesk.store import Store

BATCH = 250
DEMO_TODAY = None  # tests may pin "today" for fully reproducible dates


def generate(
    store: Store,
    families: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    today: date | None = None,
) -> None:
    pack = current_pack()
    today = today or DEMO_TODAY or date.today()
    rng = random.Random(seed)
    worker = (store.worker_id, store.profile.name)
    done = 0
    while done < families:
        size = min(BATCH, families - done)
        with store.session() as session:
            for i in range(done, done + size):
                make_family(session, rng, pack, i + 1, seed, today, worker)
            if done + size >= families:
                audit.record(session, "change", "demo_data", "", None, families=families, seed=seed)
        done += size
        if progress:
            progress(done)
