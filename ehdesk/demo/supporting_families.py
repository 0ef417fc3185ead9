"""Demo Supporting Families records: needs against the headline outcomes and, for some, dated
evidence of sustained progress, written through the casework operations.

Its random numbers come from a generator seeded by the batch's own dates, not from the shared
``rng``, so adding this step leaves every other step's data as it was."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ehdesk.casework import supporting_families as sf
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.ordering import episodes_in_generation_order

EVIDENCE = (
    "School attendance above 95% for two terms (school register).",
    "Tenancy sustained with no arrears since the plan began (housing officer).",
    "Debt advice taken up and a repayment plan kept (money advice service).",
    "No police call-outs to the address in this time (police check).",
    "GP reports appointments kept and medication reviewed.",
    "Family meeting notes show calmer routines; the family's own score improved.",
)


def supporting_families_step(
    session: Session,
    rng: random.Random,
    pack: CouncilPack,
    today: date,
    worker: tuple[str, str],
    family_ids: list[str],
) -> None:
    outcomes = [o.code for o in pack.supporting_families.outcomes]
    episodes = episodes_in_generation_order(session, family_ids)
    if not outcomes or not episodes:
        return
    own = random.Random(sum(e.opened_on.toordinal() for e in episodes))
    _records(session, own, outcomes, episodes, pack, today, worker)


def _records(session, own, outcomes, episodes, pack, today, worker) -> None:
    for episode in episodes:
        if own.random() > 0.45 or episode.opened_on > today - timedelta(days=14):
            continue
        end = min(episode.closed_on or today, today)
        for code in own.sample(outcomes, own.randint(2, 4)):
            identified = episode.opened_on + timedelta(days=own.randint(0, 14))
            if identified > end:
                continue
            rid = sf.record_need(
                session, episode.id, code, identified, recorded_by=worker[1], pack=pack, today=today
            )
            if own.random() < 0.55:
                start = identified + timedelta(days=own.randint(20, 90))
                if start >= end:
                    continue
                sustained = min(start + timedelta(days=own.randint(40, 260)), end)
                sf.record_progress(
                    session, rid, start, sustained, own.choice(EVIDENCE), pack=pack, today=today
                )
