"""The worker's caseload: their open episodes with the next thing due (one query per table, so it
stays quick with thousands of families)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.flags import overdue_action_counts
from ehdesk.casework.thresholds import short_words, undecided_by_episode
from ehdesk.casework.timescales import next_due
from ehdesk.config.pack import current_pack
from ehdesk.models import Episode, Family, Person


@dataclass(frozen=True)
class CaseloadRow:
    family_id: str
    reference: str
    household_name: str
    episode_id: str
    lead_child: str
    level_of_need: int | None
    level_label: str
    allocated_on: date | None
    next_due_label: str
    next_due_on: date | None
    overdue: bool
    # Plan actions still open past their date (shown beside what is due next).
    overdue_actions: int = 0
    # Short flags that need the worker or a manager (consent withdrawn, a threshold
    # (Level 4, a child on a CP or CIN plan or looked after) with no manager's decision).
    flags: tuple[str, ...] = ()

    @property
    def anything_overdue(self) -> bool:
        """What is due next is overdue, or a plan action is: the row says "overdue" either way, so
        the caseload's count and its "Overdue only" choice count it (they counted only the first,
        and a row reading "1 plan action overdue" was left out of both)."""
        return self.overdue or self.overdue_actions > 0


def caseload(session: Session, worker_id: str, today: date | None = None) -> list[CaseloadRow]:
    today = today or date.today()
    pack = current_pack()
    # One query, plain rows (not ORM objects): the episode columns the rules read (EpisodeDates,
    # and the level and decision the threshold flag needs) with the family and the lead child
    # joined on. Only those: decoding every episode's other JSON columns cost a tenth of the query.
    lead = aliased(Person)
    episodes = session.execute(
        select(
            Episode.id,
            Episode.family_id,
            Episode.opened_on,
            Episode.allocated_on,
            Episode.status,
            Episode.closed_on,
            Episode.extension_close_by,
            Episode.extension_signed_off_on,
            Episode.level_of_need,
            Episode.threshold_decision,
            Family.reference.label("family_reference"),
            Family.household_name.label("family_household_name"),
            lead.given_name.label("lead_given_name"),
            lead.family_name.label("lead_family_name"),
        )
        .join(Family, Family.id == Episode.family_id)
        .outerjoin(lead, (lead.id == Episode.lead_child_id) & lead.deleted.is_(False))
        .where(
            Episode.allocated_worker_id == worker_id,
            Episode.status == "open",
            Episode.deleted.is_(False),
            Family.deleted.is_(False),
        )
    ).all()
    facts = facts_for_episodes(session, episodes)
    late = overdue_action_counts(session, [e.id for e in episodes], today)
    undecided = undecided_by_episode(session, episodes)
    level_labels: dict[int, str] = {}  # a thousand cases, a handful of levels
    rows = []
    for e in episodes:
        due = next_due(facts[e.id], pack.timescales, today, details=False)  # label and date only
        flags = []
        if facts[e.id].consent_withdrawn_on:
            flags.append("Consent withdrawn")
        if e.id in undecided:
            # Level 4, or a child on a CP or CIN plan or looked after, with no manager's decision.
            said = dict.fromkeys(short_words(code) for code in undecided[e.id])
            flags.append(f"{', '.join(said)}: manager to decide")
        rows.append(
            CaseloadRow(
                family_id=e.family_id,
                reference=e.family_reference,
                household_name=e.family_household_name,
                episode_id=e.id,
                lead_child=" ".join(p for p in (e.lead_given_name, e.lead_family_name) if p),
                level_of_need=e.level_of_need,
                level_label=_level_label(pack, e.level_of_need, level_labels),
                allocated_on=e.allocated_on,
                next_due_label=due.label if due else "",
                next_due_on=due.due_on if due else None,
                overdue=bool(due and due.overdue),
                overdue_actions=late.get(e.id, 0),
                flags=tuple(flags),
            )
        )
    rows.sort(key=lambda r: (r.next_due_on or date.max, r.household_name))
    return rows


def _level_label(pack, level: int | None, known: dict[int, str]) -> str:
    if not level:
        return ""
    if level not in known:
        known[level] = pack.label("levels_of_need", level)
    return known[level]
