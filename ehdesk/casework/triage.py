"""Triage of requests for support: the forum the pack names (a weekly triage, an allocations hub,
a panel) decides, on a date, with a rationale, and allocates where the decision hands the family
to a worker. A decision that settles the request also records the request's outcome, so the
return's "requests by outcome" and the triage record never disagree. Managers see the requests
still waiting: never triaged, brought back for more information, or decided but not allocated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit, referrals
from ehdesk.casework.record_checks import check_date, require_text, text
from ehdesk.casework.records import live
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Family, Referral, User
from ehdesk.models.team import TriageRecord
from ehdesk.models.types import new_id

FIELDS = (
    "forum",
    "decision",
    "decided_on",
    "decided_by",
    "rationale",
    "allocated_to_id",
    "allocated_to_name",
)


@dataclass(frozen=True)
class TriageView:
    id: str
    family_id: str
    referral_id: str
    forum: str
    forum_label: str
    decision: str
    decision_label: str
    decided_on: date
    decided_by: str
    rationale: str
    allocated_to_id: str | None
    allocated_to_name: str


def _view(t: TriageRecord, pack: CouncilPack) -> TriageView:
    return TriageView(
        id=t.id,
        family_id=t.family_id,
        referral_id=t.referral_id,
        forum=t.forum,
        forum_label=pack.label("triage_forums", t.forum),
        decision=t.decision,
        decision_label=pack.label("triage_decisions", t.decision),
        decided_on=t.decided_on,
        decided_by=t.decided_by,
        rationale=t.rationale,
        allocated_to_id=t.allocated_to_id,
        allocated_to_name=t.allocated_to_name,
    )


def _decision(pack: CouncilPack, code: str):
    return next((d for d in pack.team_practice.triage_decisions if d.code == code), None)


def clean_triage(session: Session, referral: Referral, data: dict, pack: CouncilPack, today: date) -> dict:
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown triage fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    forum = text(data, "forum")
    if forum not in pack.codes("triage_forums"):
        errors["forum"] = "Choose the forum that made the decision."
    decision = _decision(pack, text(data, "decision"))
    if decision is None:
        errors["decision"] = "Choose the decision from the list."
    decided_on = data.get("decided_on")
    check_date(
        decided_on,
        "The date of the decision",
        errors,
        "decided_on",
        today,
        not_before=referral.received_on,
        not_before_label="the request was received",
    )
    decided_by = require_text(data, "decided_by", "Who decided", errors, 200)
    rationale = require_text(data, "rationale", "The reason for the decision", errors)
    worker_id = data.get("allocated_to_id") or None
    worker_name = text(data, "allocated_to_name")
    if worker_id:
        worker = session.get(User, worker_id)
        if worker is None or worker.deleted:
            errors["allocated_to_id"] = "Choose a worker from the team list."
        else:
            worker_name = worker.display_name or worker.username
    if decision is not None and decision.allocates and not worker_id:
        # "Allocate" with nobody named yet is allowed: the request stays on the managers'
        # unallocated list until a worker is named (waiting for capacity is common).
        worker_name = ""
    if decision is not None and not decision.allocates and worker_id:
        errors["allocated_to_id"] = "This decision does not allocate the family to a worker."
    if errors:
        raise ValidationError(errors)
    return {
        "forum": forum,
        "decision": decision.code,
        "decided_on": decided_on,
        "decided_by": decided_by,
        "rationale": rationale,
        "allocated_to_id": worker_id,
        "allocated_to_name": worker_name,
    }


def record_triage(
    session: Session, referral_id: str, data: dict, pack: CouncilPack | None = None, today: date | None = None
) -> str:
    pack = pack or current_pack()
    today = today or date.today()
    referral = live(session, Referral, referral_id, "request for support")
    cleaned = clean_triage(session, referral, data, pack, today)
    row = TriageRecord(id=new_id(), family_id=referral.family_id, referral_id=referral_id, **cleaned)
    session.add(row)
    decision = _decision(pack, cleaned["decision"])
    if decision.referral_outcome:
        referrals.record_outcome(session, referral_id, decision.referral_outcome, cleaned["decided_on"], pack)
    audit.record(session, "change", "triage_decision", row.id, referral.family_id, decision=decision.code)
    return row.id


def allocate_from_triage(
    session: Session, triage_id: str, worker_id: str, pack: CouncilPack | None = None
) -> None:
    """Name the worker for a decision made while nobody had capacity."""
    pack = pack or current_pack()
    row = live(session, TriageRecord, triage_id, "triage decision")
    decision = _decision(pack, row.decision)
    if decision is None or not decision.allocates:
        raise ValidationError({"allocated_to_id": "This decision does not allocate the family to a worker."})
    worker = session.get(User, worker_id)
    if worker is None or worker.deleted:
        raise ValidationError({"allocated_to_id": "Choose a worker from the team list."})
    row.allocated_to_id = worker.id
    row.allocated_to_name = worker.display_name or worker.username
    audit.record(session, "change", "triage_decision", row.id, row.family_id, change="allocate")


def list_triage(session: Session, family_id: str, pack: CouncilPack | None = None) -> list[TriageView]:
    pack = pack or current_pack()
    rows = session.scalars(
        select(TriageRecord)
        .where(TriageRecord.family_id == family_id, TriageRecord.deleted.is_(False))
        .order_by(TriageRecord.decided_on, TriageRecord.created_at)
    ).all()
    return [_view(r, pack) for r in rows]


@dataclass(frozen=True)
class WaitingRequest:
    referral_id: str
    family_id: str
    reference: str
    household_name: str
    received_on: date
    days_waiting: int
    # "Awaiting triage" | "More information needed" | "Decided: <decision>, no worker yet"
    status: str
    last_decision_on: date | None


def unallocated_requests(
    session: Session, team_id: str | None = None, today: date | None = None, pack: CouncilPack | None = None
) -> list[WaitingRequest]:
    """Requests for support no worker has yet: never triaged (and not decided some other way),
    brought back for more information, or decided to allocate with nobody named. Longest waiting
    first. ``team_id`` narrows to one team's families (None: every family on this laptop)."""
    pack = pack or current_pack()
    today = today or date.today()
    query = (
        select(Referral, Family.reference, Family.household_name)
        .join(Family, Family.id == Referral.family_id)
        .where(Referral.deleted.is_(False), Family.deleted.is_(False))
    )
    if team_id is not None:
        query = query.where(Family.team_id == team_id)
    rows = session.execute(query).all()
    latest: dict[str, TriageRecord] = {}
    ids = [r.Referral.id for r in rows]
    for start in range(0, len(ids), 500):
        for record in session.scalars(
            select(TriageRecord).where(
                TriageRecord.referral_id.in_(ids[start : start + 500]), TriageRecord.deleted.is_(False)
            )
        ):
            held = latest.get(record.referral_id)
            if held is None or (record.decided_on, record.created_at) > (held.decided_on, held.created_at):
                latest[record.referral_id] = record
    waiting = []
    for referral, reference, household in rows:
        t = latest.get(referral.id)
        if t is None:
            if referral.outcome:
                continue  # decided before triage was recorded (or outside it)
            status = "Awaiting triage"
        else:
            decision = _decision(pack, t.decision)
            if decision is not None and decision.allocates:
                if t.allocated_to_id:
                    continue
                status = f"Decided: {decision.label}, no worker yet"
            elif decision is not None and not decision.referral_outcome:
                status = f"{decision.label}"
            else:
                continue
        waiting.append(
            WaitingRequest(
                referral_id=referral.id,
                family_id=referral.family_id,
                reference=reference,
                household_name=household,
                received_on=referral.received_on,
                days_waiting=(today - referral.received_on).days,
                status=status,
                last_decision_on=t.decided_on if t else None,
            )
        )
    waiting.sort(key=lambda w: (w.received_on, w.reference))
    return waiting
