"""A family's chronology: built from what the record already holds (requests and triage,
episodes and allocations, consent, assessments, TAF meetings, readings, the agreement, sessions
held, professionals joining and leaving, handovers, closures) plus the significant events a
worker adds by hand. Ofsted and social care expect one at every step-up, so it filters by child,
exports to CSV and prints (``ehdesk.pdf.chronology``).

Nothing is copied: the chronology is read fresh each time, so it can never disagree with the
record. Entries about the whole family show under every child; entries naming children (a
reading about a child, a session where a child was seen, a hand-added event) only under them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.families import _family_or_404
from ehdesk.casework.families import members as members_of
from ehdesk.casework.record_checks import check_date, require_text, text
from ehdesk.casework.records import live
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Assessment, Consent, Episode, Person, Reading, Referral
from ehdesk.models.agreement import Agreement
from ehdesk.models.closure import EpisodeClosure
from ehdesk.models.meeting import Meeting
from ehdesk.models.session_note import SessionNote
from ehdesk.models.team import Allocation, ChronologyEvent, Handover, Professional, TriageRecord
from ehdesk.models.types import new_id

# Same-day entries read in the order things happen in a case.
KIND_ORDER = (
    "request",
    "triage",
    "episode",
    "allocation",
    "consent",
    "professional",
    "assessment",
    "reading",
    "agreement",
    "meeting",
    "session",
    "event",
    "handover",
    "closure",
)
KIND_LABELS = {
    "request": "Request for support",
    "triage": "Triage",
    "episode": "Case",
    "allocation": "Allocation",
    "consent": "Consent",
    "professional": "Professionals",
    "assessment": "Assessment",
    "reading": "Progress reading",
    "agreement": "Agreement",
    "meeting": "TAF meeting",
    "session": "Session",
    "event": "Significant event",
    "handover": "Handover",
    "closure": "Closure",
}


@dataclass(frozen=True)
class ChronologyEntry:
    on: date
    kind: str
    title: str
    detail: str = ""
    child_ids: tuple[str, ...] = ()
    children: str = ""  # their names, filled in by ``build``
    by: str = ""
    record_id: str = ""
    hand_added: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def _rows(session: Session, model, family_id: str):
    return session.scalars(select(model).where(model.family_id == family_id, model.deleted.is_(False))).all()


def _tool_title(tool_id: str) -> str:
    from ehdesk.forms.tools import registry

    try:
        return registry.tool(tool_id).title
    except Exception:  # a tool this laptop no longer has: its id still says what it was
        return tool_id.replace("_", " ").capitalize()


def _entries(session: Session, family_id: str, pack: CouncilPack) -> list[ChronologyEntry]:
    from ehdesk.casework.meetings import KIND_LABELS as MEETING_KINDS
    from ehdesk.casework.plans import REVIEW_OUTCOME_LABELS

    out: list[ChronologyEntry] = []
    add = out.append
    triaged = {t.referral_id for t in _rows(session, TriageRecord, family_id)}
    for r in _rows(session, Referral, family_id):
        source = pack.label("referral_sources", r.source) if r.source else ""
        add(
            ChronologyEntry(
                r.received_on,
                "request",
                "Request for support received",
                "; ".join(p for p in (f"From: {source}" if source else "", r.summary) if p),
                record_id=r.id,
            )
        )
        if r.outcome and r.outcome_on and r.id not in triaged:
            add(
                ChronologyEntry(
                    r.outcome_on,
                    "request",
                    f"Request decided: {pack.label('referral_outcomes', r.outcome)}",
                    record_id=r.id,
                )
            )
    for t in _rows(session, TriageRecord, family_id):
        detail = f"{pack.label('triage_forums', t.forum)}. {t.rationale}"
        if t.allocated_to_name:
            detail += f" Allocated to {t.allocated_to_name}."
        add(
            ChronologyEntry(
                t.decided_on,
                "triage",
                f"Triage: {pack.label('triage_decisions', t.decision)}",
                detail,
                by=t.decided_by,
                record_id=t.id,
            )
        )
    episodes = _rows(session, Episode, family_id)
    allocations = sorted(_rows(session, Allocation, family_id), key=lambda a: (a.allocated_on, a.created_at))
    for e in episodes:
        add(
            ChronologyEntry(
                e.opened_on,
                "episode",
                f"Case opened: {pack.label('case_types', e.case_type)}",
                f"Level of need: {pack.label('levels_of_need', e.level_of_need)}" if e.level_of_need else "",
                record_id=e.id,
            )
        )
        # The first allocation made on the episode itself (before allocation records existed, or
        # at opening) is told from the episode: to the worker the first reallocation moved it from.
        own = [a for a in allocations if a.episode_id == e.id]
        if e.allocated_on and not any(a.previous_worker_id is None for a in own):
            first = own[0].previous_worker_name if own else e.allocated_worker_name
            if first:
                add(ChronologyEntry(e.allocated_on, "allocation", f"Allocated to {first}", record_id=e.id))
        if e.extension_signed_off_on:
            add(
                ChronologyEntry(
                    e.extension_signed_off_on,
                    "episode",
                    "Kept open past the limit (signed off)",
                    f"New close-by date {show_date(e.extension_close_by)}. {e.extension_reason}"
                    if e.extension_close_by
                    else e.extension_reason,
                    by=e.extension_signed_off_by,
                    record_id=e.id,
                )
            )
    for a in allocations:
        title = (
            f"Reallocated from {a.previous_worker_name} to {a.worker_name}"
            if a.previous_worker_id
            else f"Allocated to {a.worker_name}"
        )
        add(
            ChronologyEntry(
                a.allocated_on, "allocation", title, a.handover_note, by=a.allocated_by, record_id=a.id
            )
        )
    for c in _rows(session, Consent, family_id):
        scope = pack.label("consent_scopes", c.scope)
        add(
            ChronologyEntry(
                c.given_on,
                "consent",
                f"Consent given: {scope}",
                f"By {c.given_by_name} ({c.method})",
                record_id=c.id,
            )
        )
        if c.withdrawn_on:
            add(
                ChronologyEntry(
                    c.withdrawn_on,
                    "consent",
                    f"Consent withdrawn: {scope}",
                    f"By {c.given_by_name}",
                    record_id=c.id,
                )
            )
    for p in _rows(session, Professional, family_id):
        who = f"{p.name or p.role} ({pack.label('agencies', p.agency)})"
        if p.since:
            add(
                ChronologyEntry(
                    p.since, "professional", f"{who} began working with the family", record_id=p.id
                )
            )
        if p.until:
            add(
                ChronologyEntry(
                    p.until, "professional", f"{who} stopped working with the family", record_id=p.id
                )
            )
    for a in _rows(session, Assessment, family_id):
        name = a.form_id.replace("-", " ").capitalize()
        if a.completed_on and a.status in ("completed", "signed_off"):
            add(
                ChronologyEntry(
                    a.completed_on, "assessment", f"{name} completed", by=a.assessor_name, record_id=a.id
                )
            )
    for r in _rows(session, Reading, family_id):
        children = (r.subject_person_id,) if r.subject_person_id else ()
        add(
            ChronologyEntry(
                r.taken_on,
                "reading",
                f"{_tool_title(r.tool_id)}: {r.occasion} reading",
                r.note,
                children,
                by=r.taken_by_name,
                record_id=r.id,
            )
        )
    for g in _rows(session, Agreement, family_id):
        if g.signed_on and g.status in ("signed", "superseded"):
            add(
                ChronologyEntry(
                    g.signed_on,
                    "agreement",
                    f"Early help agreement signed (version {g.version_number})",
                    by=g.worker_name,
                    record_id=g.id,
                )
            )
    for m in _rows(session, Meeting, family_id):
        if m.status != "completed":
            continue
        came = [a["name"] for a in m.attendees or [] if a.get("attendance") == "attended"]
        detail = f"Attended: {', '.join(came)}." if came else ""
        if m.review_outcome:
            detail += f" Review outcome: {REVIEW_OUTCOME_LABELS.get(m.review_outcome, m.review_outcome)}."
        add(
            ChronologyEntry(
                m.held_on,
                "meeting",
                f"{MEETING_KINDS.get(m.kind, m.kind)} held",
                detail.strip(),
                record_id=m.id,
            )
        )
    for n in _rows(session, SessionNote, family_id):
        if n.status != "held":
            continue
        seen = n.seen or []
        children = tuple(s["person_id"] for s in seen if s.get("is_child") and s.get("person_id"))
        alone = [s["name"] for s in seen if s.get("seen_alone")]
        detail = "Seen: " + ", ".join(s["name"] for s in seen) if seen else ""
        if alone:
            detail += f". Seen alone: {', '.join(alone)}"
        add(
            ChronologyEntry(
                n.session_on,
                "session",
                # "School" or "Phone" alone does not say what happened.
                f"Session: {pack.label('session_types', n.session_type)}" if n.session_type else "Session",
                detail,
                children,
                by=n.worker_name,
                record_id=n.id,
            )
        )
    for h in _rows(session, Handover, family_id):
        if h.direction == "step_up":
            title = "Stepped up to children's social care"
            detail = f"{h.reason} Shared: {h.information_shared}. Received by {h.received_by}."
            if h.social_care_decision:
                detail += (
                    f" Social care decision: {pack.label('social_care_decisions', h.social_care_decision)}."
                )
            if h.early_help_continues:
                detail += " Early help continues alongside."
        else:
            title = "Stepped down from children's social care"
            detail = (
                f"From {pack.label('step_down_plans', h.stepped_down_from)}; social worker {h.social_worker}. "
                f"{h.reason}"
            )
            if h.joint_visit_on:
                detail += f" Joint visit {show_date(h.joint_visit_on)}."
        add(
            ChronologyEntry(
                h.handed_over_on, "handover", title, detail.strip(), by=h.recorded_by, record_id=h.id
            )
        )
    for c in _rows(session, EpisodeClosure, family_id):
        add(
            ChronologyEntry(
                c.closed_on,
                "closure",
                f"Case closed: {pack.label('closure_reasons', c.reason)}",
                c.note,
                by=c.closed_by,
                record_id=c.id,
            )
        )
        if c.reopened_on:
            add(
                ChronologyEntry(
                    c.reopened_on,
                    "closure",
                    "Case reopened",
                    c.reopen_reason,
                    by=c.reopened_by,
                    record_id=c.id,
                )
            )
    for ev in _rows(session, ChronologyEvent, family_id):
        add(
            ChronologyEntry(
                ev.occurred_on,
                "event",
                ev.title,
                "; ".join(p for p in (ev.detail, f"Source: {ev.source}" if ev.source else "") if p),
                tuple(ev.child_ids or ()),
                by=ev.recorded_by,
                record_id=ev.id,
                hand_added=True,
            )
        )
    return out


def build(
    session: Session,
    family_id: str,
    child_id: str | None = None,
    kinds: set[str] | None = None,
    pack: CouncilPack | None = None,
) -> list[ChronologyEntry]:
    """The family's chronology, oldest first; ``child_id`` keeps what concerns that child (and
    the whole family); ``kinds`` keeps only those kinds of entry."""
    pack = pack or current_pack()
    _family_or_404(session, family_id)
    names = {p.id: p.full_name for p in _rows(session, Person, family_id)}
    order = {k: i for i, k in enumerate(KIND_ORDER)}
    entries = []
    for e in _entries(session, family_id, pack):
        if child_id is not None and e.child_ids and child_id not in e.child_ids:
            continue
        if kinds is not None and e.kind not in kinds:
            continue
        children = ", ".join(names[c] for c in e.child_ids if c in names)
        entries.append(ChronologyEntry(**{**e.__dict__, "children": children}))
    entries.sort(key=lambda e: (e.on, order.get(e.kind, 99), e.title))
    return entries


def children_of(session: Session, family_id: str) -> list[tuple[str, str]]:
    """(id, name) of the family's children, by name: the chronology's "filter by child" choices."""
    rows = [p for p in members_of(session, family_id) if p.role == "child"]
    return sorted(((p.id, p.full_name) for p in rows), key=lambda c: c[1].casefold())


# -- hand-added significant events -------------------------------------------------------------

EVENT_FIELDS = ("occurred_on", "title", "detail", "source", "child_ids")


def _clean_event(session: Session, family_id: str, data: dict, today: date) -> dict:
    unknown = set(data) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"unknown chronology event fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    check_date(data.get("occurred_on"), "The date of the event", errors, "occurred_on", today)
    title = require_text(data, "title", "What happened", errors, 200)
    child_ids = list(data.get("child_ids") or [])
    for child in child_ids:
        p = session.get(Person, child)
        if p is None or p.deleted or p.family_id != family_id:
            errors["child_ids"] = "Choose the children from this family."
    if errors:
        raise ValidationError(errors)
    return {
        "occurred_on": data["occurred_on"],
        "title": title,
        "detail": text(data, "detail"),
        "source": text(data, "source"),
        "child_ids": child_ids,
    }


def add_event(session: Session, family_id: str, data: dict, today: date | None = None) -> str:
    _family_or_404(session, family_id)
    row = ChronologyEvent(
        id=new_id(),
        family_id=family_id,
        recorded_by=session.info.get("worker_name", ""),
        **_clean_event(session, family_id, data, today or date.today()),
    )
    session.add(row)
    audit.record(session, "change", "chronology_event", row.id, family_id, change="add")
    return row.id


def update_event(session: Session, event_id: str, changes: dict, today: date | None = None) -> None:
    row = live(session, ChronologyEvent, event_id, "event", "is no longer in the chronology")
    current = {n: getattr(row, n) for n in EVENT_FIELDS}
    current.update(changes)
    for name, value in _clean_event(session, row.family_id, current, today or date.today()).items():
        setattr(row, name, value)
    audit.record(session, "change", "chronology_event", row.id, row.family_id, change="edit")


def remove_event(session: Session, event_id: str) -> None:
    row = live(session, ChronologyEvent, event_id, "event", "is no longer in the chronology")
    row.deleted = True
    audit.record(session, "change", "chronology_event", row.id, row.family_id, change="remove")


# -- export ------------------------------------------------------------------------------------

CSV_HEADER = ("Date", "Kind", "What happened", "Details", "Children", "Recorded by")


def to_csv(entries: list[ChronologyEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for e in entries:
        writer.writerow([e.on.isoformat(), e.kind_label, e.title, e.detail, e.children, e.by])
    return buffer.getvalue()


def export_csv(session: Session, family_id: str, out: Path, child_id: str | None = None) -> int:
    """Save the chronology as CSV (UTF-8 with a byte-order mark, so Excel shows names right).
    Saving personal data to a folder is an explicit, audited act."""
    entries = build(session, family_id, child_id)
    out.write_text(to_csv(entries), encoding="utf-8-sig")
    audit.record(
        session, "export", "chronology", family_id, family_id, rows=len(entries), child=bool(child_id)
    )
    return len(entries)
