"""TAF meetings: recording them, completing them (which versions the plan), re-booking the next
one, and the fact source the timescale rules read (first TAF and review dates).

What a completed record may claim (issue 15): a meeting is completed only on or after the day it
happens; it counts as a TAF only when the council's quorum took part (the family, and another
agency present or sending a written update); a review records each outcome's progress (or says
"reviewed, no change" outright); a closure meeting records each outcome as achieved, partly or
not achieved. A manager may complete a meeting that misses the quorum or the review with a
reason, which is kept and shown with the rules it broke (``override_wording``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit, plans
from ehdesk.casework.episode_access import require_open
from ehdesk.casework.records import live
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models.meeting import MEETING_KINDS, Meeting
from ehdesk.models.plan import REVIEW_OUTCOMES

KIND_LABELS = {
    "initial_taf": "Initial TAF meeting",
    "taf_review": "TAF review meeting",
    "family_group_conference": "Family group conference",
    "closure": "Closure meeting",
}
# Meetings that review the plan, so completing one records a plan version.
PLAN_MEETINGS = ("initial_taf", "taf_review", "closure")
# Meetings that can count as a TAF (a family group conference only where the pack says so).
TAF_KINDS = ("initial_taf", "taf_review", "family_group_conference")
CLOSURE_RESULTS = {"achieved": "Achieved", "partly": "Partly achieved", "not_achieved": "Not achieved"}
MANAGER_ROLES = ("manager", "admin")
# The agency an attendee gives when they are a member of the family.
FAMILY_AGENCY = "self_or_family"
CONFIDENTIALITY_STATEMENT = (
    "What is said in this meeting stays between the people here and is shared only as the family "
    "agreed, unless someone may be at risk of significant harm or the law says it must be shared."
)
ATTENDANCE = ("attended", "apologies")
# How a quorum problem says a written update counts (left out where the override names the rule).
WRITTEN_UPDATE_COUNTS = " (present, or sending a written update)"
EDITABLE = (
    "held_on",
    "place",
    "attendees",
    "confidentiality_read",
    "family_updates",
    "practitioner_updates",
    "plan_review_notes",
    "review_outcome",
    "next_meeting_on",
    "outcome_reviews",
)


@dataclass(frozen=True)
class MeetingView:
    id: str
    episode_id: str
    family_id: str
    kind: str
    held_on: date
    place: str
    attendees: tuple[dict, ...]
    confidentiality_read: bool
    family_updates: tuple[dict, ...]
    practitioner_updates: tuple[dict, ...]
    plan_review_notes: str
    review_outcome: str
    next_meeting_on: date | None
    status: str
    plan_version: int | None
    outcome_reviews: tuple[dict, ...] = ()
    counts_as_taf: bool = False
    override_by: str = ""
    override_reason: str = ""
    # The rules a manager's override overrode, in plain words (empty before they were kept).
    override_missing: tuple[str, ...] = ()

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def completed(self) -> bool:
        return self.status == "completed"


def _view(m: Meeting) -> MeetingView:
    return MeetingView(
        m.id,
        m.episode_id,
        m.family_id,
        m.kind,
        m.held_on,
        m.place,
        tuple(m.attendees),
        m.confidentiality_read,
        tuple(m.family_updates),
        tuple(m.practitioner_updates),
        m.plan_review_notes,
        m.review_outcome,
        m.next_meeting_on,
        m.status,
        m.plan_version,
        tuple(m.outcome_reviews or ()),
        m.counts_as_taf,
        m.override_by,
        m.override_reason,
        tuple(m.override_missing or ()),
    )


# Built once, its value bound at each call: building a statement and working out its cache key
# cost about as much as running it, and every meeting recorded or completed reads the list.
_MEETINGS = (
    select(Meeting)
    .where(Meeting.episode_id == bindparam("episode_id"), Meeting.deleted.is_(False))
    .order_by(Meeting.held_on, Meeting.created_at)
)


def _meetings(session: Session, episode_id: str) -> list[Meeting]:
    return list(session.scalars(_MEETINGS, {"episode_id": episode_id}))


def list_meetings(session: Session, episode_id: str) -> list[MeetingView]:
    return [_view(m) for m in _meetings(session, episode_id)]


def _meeting(session: Session, meeting_id: str) -> Meeting:
    return live(session, Meeting, meeting_id, "meeting record", "no longer exists")


def get_meeting(session: Session, meeting_id: str) -> MeetingView:
    return _view(_meeting(session, meeting_id))


def create_meeting(session: Session, episode_id: str, kind: str, held_on: date, place: str = "") -> str:
    episode = require_open(session, episode_id)
    if kind not in MEETING_KINDS:
        raise ValidationError({"kind": "Choose the kind of meeting from the list."})
    if not isinstance(held_on, date):
        raise ValidationError({"held_on": "Give the date of the meeting."})
    existing = _meetings(session, episode_id)
    if kind == "initial_taf" and any(m.kind == "initial_taf" for m in existing):
        raise ValidationError(
            {"kind": "This case already has an initial TAF meeting; record a review instead."}
        )
    if kind == "taf_review" and not any(
        m.kind == "initial_taf" and m.status == "completed" for m in existing
    ):
        raise ValidationError({"kind": "Complete the initial TAF meeting before recording a review."})
    # The same people usually come again: start from the last meeting's list, attendance reset.
    previous = [m for m in existing if m.status == "completed"]
    attendees = [
        {**a, "attendance": "attended", "written_update": ""}
        for a in (previous[-1].attendees if previous else [])
    ]
    row = Meeting(
        family_id=episode.family_id,
        episode_id=episode_id,
        kind=kind,
        held_on=held_on,
        place=place.strip() or (previous[-1].place if previous else ""),
        attendees=attendees,
        family_updates=[],
        practitioner_updates=[],
    )
    session.add(row)
    audit.record(session, "change", "taf_meeting", row.id, episode.family_id, op="add", kind=kind)
    return row.id


def _clean_attendees(attendees: list[dict]) -> list[dict]:
    clean = []
    for a in attendees:
        name = str(a.get("name") or "").strip()
        if not name:
            continue
        attendance = a.get("attendance") or "attended"
        if attendance not in ATTENDANCE:
            raise ValidationError({"attendees": "Say whether each person attended or sent apologies."})
        agency = str(a.get("agency") or "").strip()
        clean.append(
            {
                "name": name,
                "role": str(a.get("role") or "").strip(),
                "agency": agency,
                "attendance": attendance,
                "written_update": str(a.get("written_update") or "").strip(),
                # A family member is said so, or gives no agency (every professional has one).
                "family": bool(a.get("family")) or agency in ("", FAMILY_AGENCY),
            }
        )
    return clean


def _agency_key(agency: str, pack: CouncilPack) -> str:
    """The same agency typed as its code or its label is one agency."""
    text = agency.strip().lower()
    for item in pack.agencies:
        if text in (item.code.lower(), item.label.lower()):
            return item.code
    return text


def quorum_problems(
    attendees: tuple[dict, ...] | list[dict],
    pack: CouncilPack | None = None,
    workers: frozenset[str] = frozenset(),
) -> list[str]:
    """Why a meeting does not count as a TAF under the council's quorum (empty: it counts).
    ``workers``: names of the case's own workers, never counted as family even with no agency."""
    rules = (pack or current_pack()).practice.taf_quorum
    pack = pack or current_pack()

    def took_part(a: dict) -> bool:
        if a.get("attendance", "attended") == "attended":
            return True
        return rules.written_update_counts and bool(a.get("written_update"))

    def is_family(a: dict) -> bool:
        if str(a.get("name") or "").strip().casefold() in workers:
            return False
        return bool(a.get("family")) or str(a.get("agency") or "") in ("", FAMILY_AGENCY)

    problems = []
    if rules.family and not any(
        is_family(a) and a.get("attendance", "attended") == "attended" for a in attendees
    ):
        problems.append("no one from the family took part")
    own = set(rules.own_service_agencies)
    agencies = {
        _agency_key(a["agency"], pack)
        for a in attendees
        if not is_family(a) and took_part(a) and a.get("agency")
    } - own
    if len(agencies) < rules.other_agencies:
        how = WRITTEN_UPDATE_COUNTS if rules.written_update_counts else ""
        if rules.other_agencies == 1:
            problems.append(f"no agency other than early help took part{how}")
        else:
            problems.append(
                f"fewer than {rules.other_agencies} agencies other than early help took part{how}"
            )
    return problems


def _clean_outcome_reviews(reviews: list[dict]) -> list[dict]:
    allowed = set(REVIEW_OUTCOMES) | set(CLOSURE_RESULTS)
    clean = []
    for r in reviews:
        outcome_id = str(r.get("outcome_id") or "")
        progress = str(r.get("progress") or "")
        if not outcome_id or not progress:
            continue
        if progress not in allowed:
            raise ValidationError({"outcome_reviews": "Choose each outcome's progress from the list."})
        clean.append(
            {"outcome_id": outcome_id, "progress": progress, "note": str(r.get("note") or "").strip()}
        )
    return clean


def progress_label(progress: str) -> str:
    from ehdesk.casework.plans import REVIEW_OUTCOME_LABELS

    if progress == "no_change":
        return "Reviewed, no change"
    return REVIEW_OUTCOME_LABELS.get(progress) or CLOSURE_RESULTS.get(progress, progress)


def _children_first(updates: list[dict]) -> list[dict]:
    """The child's voice comes first in the record, whatever order it was typed in."""
    cleaned = [
        {
            "name": str(u.get("name") or "").strip(),
            "is_child": bool(u.get("is_child")),
            "text": str(u.get("text") or "").strip(),
        }
        for u in updates
        if str(u.get("text") or "").strip()
    ]
    return sorted(cleaned, key=lambda u: not u["is_child"])


def update_meeting(session: Session, meeting_id: str, changes: dict) -> None:
    row = _meeting(session, meeting_id)
    require_open(session, row.episode_id)
    if row.status == "completed":
        raise EhdeskError("This meeting record is complete, so it can't be changed.")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    if "attendees" in changes:
        changes = changes | {"attendees": _clean_attendees(changes["attendees"])}
    if "family_updates" in changes:
        changes = changes | {"family_updates": _children_first(changes["family_updates"])}
    if "practitioner_updates" in changes:
        changes = changes | {
            "practitioner_updates": [
                {k: str(u.get(k) or "").strip() for k in ("name", "agency", "text")}
                for u in changes["practitioner_updates"]
                if str(u.get("text") or "").strip()
            ]
        }
    if "outcome_reviews" in changes:
        changes = changes | {"outcome_reviews": _clean_outcome_reviews(changes["outcome_reviews"])}
    if changes.get("review_outcome") and changes["review_outcome"] not in REVIEW_OUTCOMES:
        raise ValidationError({"review_outcome": "Choose positive change, no change or deterioration."})
    if "held_on" in changes and not isinstance(changes["held_on"], date):
        raise ValidationError({"held_on": "Give the date of the meeting."})
    for key, value in changes.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    audit.record(session, "change", "taf_meeting", row.id, row.family_id, op="edit")


def missing_for_completion(m: MeetingView) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not m.attendees:
        errors["attendees"] = "List who came to the meeting (and who sent apologies)."
    for a in m.attendees:
        if a["attendance"] == "apologies" and not a["written_update"]:
            errors["attendees"] = (
                "Add the written update from each person who sent apologies (or write that none came)."
            )
    if not m.confidentiality_read:
        errors["confidentiality_read"] = "Confirm the confidentiality statement was read out."
    if m.kind == "taf_review" and not m.review_outcome:
        errors["review_outcome"] = "Record the review outcome: positive change, no change or deterioration."
    if m.kind != "closure":
        if m.next_meeting_on is None:
            errors["next_meeting_on"] = "Set the date of the next meeting before the record can be completed."
        elif m.next_meeting_on <= m.held_on:
            errors["next_meeting_on"] = "The next meeting must be after this one."
    return errors


def case_workers(session: Session, episode_id: str) -> frozenset[str]:
    """The names of the case's own workers (allocated worker, lead professional, whoever is
    recording), so the worker at a meeting is never counted as the family."""
    from ehdesk.models import Episode

    episode = session.get(Episode, episode_id)
    names = {session.info.get("worker_name", "")}
    if episode is not None:
        names |= {episode.allocated_worker_name, episode.lead_professional_name}
    return frozenset(n.strip().casefold() for n in names if n and n.strip())


def review_problems(session: Session, m: MeetingView, plan: plans.PlanView | None = None) -> dict[str, str]:
    """What a review or closure meeting must record about the plan before it can be completed.
    ``plan``: the case's plan on the meeting's day, when the caller has just read it."""
    if m.kind not in ("initial_taf", "taf_review", "closure"):
        return {}
    if plan is None:
        plan = plans.get_plan(session, m.episode_id, today=m.held_on)
    if not plan.outcomes:
        what = "agree" if m.kind == "initial_taf" else "review"
        return {
            "outcome_reviews": f"The plan has no outcomes, so there is nothing to {what}: add them first."
        }
    if m.kind == "initial_taf":
        return {}
    allowed = REVIEW_OUTCOMES if m.kind == "taf_review" else tuple(CLOSURE_RESULTS)
    recorded = {r["outcome_id"]: r["progress"] for r in m.outcome_reviews if r["progress"] in allowed}
    left = [o.what_will_be_different for o in plan.outcomes if o.id not in recorded]
    if not left:
        return {}
    if m.kind == "taf_review":
        message = (
            'Record the progress of each outcome in the plan (or say "reviewed, no change"): '
            + "; ".join(left)
        )
    else:
        message = "Record whether each outcome was achieved, partly achieved or not achieved: " + "; ".join(
            left
        )
    return {"outcome_reviews": message}


def _new_reading_missing(session: Session, m: MeetingView, meetings: list[Meeting]) -> str | None:
    """The progression tool is re-scored before each review (a reading since the last TAF).
    ``meetings``: the case's meeting records."""
    from ehdesk.casework.readings import reading_facts  # readings sit beside meetings

    earlier = [x.held_on for x in meetings if x.status == "completed" and x.id != m.id]
    since = max(earlier) if earlier else None
    dates = reading_facts(session, [m.episode_id]).get(m.episode_id, {}).get("reading_dates", ())
    if any((since is None or d > since) and d <= m.held_on for d in dates):
        return None
    return "Take a new progression reading with the family before completing the review."


def broken_rules(
    kind: str, soft: dict[str, str], plan: plans.PlanView | None, quorum: list[str]
) -> list[str]:
    """The rules ``soft`` (what ``complete_meeting`` would refuse) says a meeting breaks, each in a
    few plain words that read after "although" — kept on a meeting a manager completes anyway."""
    rules = []
    if "outcome_reviews" in soft:
        if plan is None or not plan.outcomes:
            rules.append("the plan had no outcomes")
        elif kind == "closure":
            rules.append("not every outcome was recorded as achieved, partly achieved or not achieved")
        else:
            rules.append("the plan was not reviewed outcome by outcome")
    if "readings" in soft:
        rules.append("no new progression reading had been taken")
    if "attendees" in soft:
        why = "; ".join(q.removesuffix(WRITTEN_UPDATE_COUNTS) for q in quorum)
        rules.append(f"it was not quorate ({why})")
    return rules


def override_wording(override_by: str, rules: Sequence[str], reason: str) -> str:
    """How a meeting completed by a manager's override is shown (the family's flags, the meeting's
    PDF and its screen): "completed by Margaret Osei although no new progression reading had been
    taken: <reason>". A meeting overridden before the rules were kept "broke a rule"."""
    if not rules:
        broke = "it broke a rule"
    elif len(rules) == 1:
        broke = rules[0]
    else:
        broke = ", ".join(rules[:-1]) + " and " + rules[-1]
    return f"completed by {override_by} although {broke}: {reason}"


def complete_meeting(
    session: Session,
    meeting_id: str,
    *,
    today: date | None = None,
    override_reason: str = "",
    actor_role: str = "practitioner",
) -> int | None:
    """Complete the record; a TAF meeting also freezes the plan into its next version.

    Refused (ValidationError naming each field): a meeting dated after ``today``, missing
    attendance or dates, an initial TAF, review or closure meeting whose plan is not agreed or
    reviewed outcome by outcome, a review with no new reading, or a TAF without the quorum. A
    manager may complete one anyway with a reason (not one dated in the future)."""
    today = today or date.today()
    row = _meeting(session, meeting_id)
    require_open(session, row.episode_id)
    if row.status == "completed":
        raise EhdeskError("This meeting record is already complete.")
    if row.held_on > today:
        raise ValidationError(
            {
                "held_on": f"This meeting is dated {show_date(row.held_on)}: it can't be completed before "
                "it has happened."
            }
        )
    view = _view(row)
    errors = missing_for_completion(view)
    existing = _meetings(session, row.episode_id)
    earlier = [m.held_on for m in existing if m.status == "completed"]
    if earlier and row.held_on < max(earlier):
        errors["held_on"] = (
            f"This meeting can't be dated before the last completed one ({show_date(max(earlier))})."
        )
    if errors:
        raise ValidationError(errors)
    # The rules a manager may override with a reason.
    # The plan as it stands on the meeting's day, read once: the rules below only read, so the
    # review's checks and the plan version it freezes see the same plan.
    plan = plans.get_plan(session, row.episode_id, today=row.held_on) if row.kind in PLAN_MEETINGS else None
    soft = review_problems(session, view, plan)
    if row.kind == "taf_review":
        reading = _new_reading_missing(session, view, existing)
        if reading:
            soft["readings"] = reading
    quorum = (
        quorum_problems(view.attendees, workers=case_workers(session, row.episode_id))
        if row.kind in TAF_KINDS
        else []
    )
    if quorum and row.kind != "family_group_conference":
        soft["attendees"] = "This meeting can't count as a TAF: " + " and ".join(quorum) + "."
    override_by = ""
    if soft:
        if not override_reason.strip():
            if row.kind in ("initial_taf", "taf_review"):
                soft["override"] = "A manager can complete it anyway with a reason."
            raise ValidationError(soft)
        if actor_role not in MANAGER_ROLES:
            raise EhdeskError("Only a manager can complete a meeting record that breaks these rules.")
        override_by = session.info.get("actor", "") or "manager"
    version = None
    if row.kind in PLAN_MEETINGS:
        version = plans.record_version(
            session, row.episode_id, row.id, row.held_on, row.review_outcome, plan=plan
        )
    row.status = "completed"
    row.completed_on = today
    row.plan_version = version
    row.counts_as_taf = row.kind in TAF_KINDS and (not quorum or bool(override_by))
    row.override_by = override_by
    row.override_reason = override_reason.strip() if override_by else ""
    row.override_missing = broken_rules(row.kind, soft, plan, quorum) if override_by else []
    audit.record(
        session,
        "change",
        "taf_meeting",
        row.id,
        row.family_id,
        op="complete",
        counts_as_taf=row.counts_as_taf,
        overridden=bool(override_by),
        override_reason=row.override_reason,
        missing=sorted(soft.values()),
    )
    return version


def rebook_next_meeting(session: Session, meeting_id: str, new_date: date) -> None:
    """Move the next meeting booked at a completed meeting (the timescale does not move)."""
    row = _meeting(session, meeting_id)
    require_open(session, row.episode_id)
    if not isinstance(new_date, date) or new_date <= row.held_on:
        raise ValidationError({"next_meeting_on": "The next meeting must be after this one."})
    row.next_meeting_on = new_date
    audit.record(session, "change", "taf_meeting", row.id, row.family_id, op="rebook")


def latest_completed(session: Session, episode_id: str) -> MeetingView | None:
    done = [m for m in _meetings(session, episode_id) if m.status == "completed"]
    return _view(done[-1]) if done else None


def taf_facts(session: Session, episode_ids: list[str]) -> dict[str, dict]:
    """Fact source for the timescale rules: TAF meetings actually held (completed records only),
    and the next meeting booked at the latest one. One query for the whole list."""
    if not episode_ids:
        return {}
    rows = session.execute(
        select(Meeting.episode_id, Meeting.kind, Meeting.held_on, Meeting.next_meeting_on).where(
            Meeting.episode_id.in_(episode_ids),
            Meeting.deleted.is_(False),
            Meeting.status == "completed",
            Meeting.counts_as_taf.is_(True),
            Meeting.kind.in_(TAF_KINDS),
        )
    ).all()
    grouped: dict[str, list] = {}
    for r in rows:
        grouped.setdefault(r.episode_id, []).append(r)
    facts: dict[str, dict] = {}
    for episode_id, held in grouped.items():
        initial = [r.held_on for r in held if r.kind == "initial_taf"]
        reviews = tuple(sorted(r.held_on for r in held if r.kind == "taf_review"))
        fgc = tuple(sorted(r.held_on for r in held if r.kind == "family_group_conference"))
        latest = max(held, key=lambda r: r.held_on)
        facts[episode_id] = {
            "first_taf_on": min(initial) if initial else None,
            "review_dates": reviews,
            "fgc_dates": fgc,
            "next_meeting_planned_on": latest.next_meeting_on,
        }
    return facts
