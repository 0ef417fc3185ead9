"""The TAF plan: outcomes with SMART actions, and its versions (one per TAF meeting) read back
as a story of what changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import episode_or_404, require_open
from ehdesk.casework.plan_who import link_professional
from ehdesk.casework.records import live
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.models.plan import ACTION_STATUSES, RAG, REVIEW_OUTCOMES, PlanAction, PlanOutcome, PlanVersion

STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "not_done": "Not done",
}
RAG_LABELS = {"": "—", "red": "Red", "amber": "Amber", "green": "Green"}
# Statuses that still need doing: only these can be overdue.
OPEN_STATUSES = ("not_started", "in_progress")


def _day(value: str) -> str:
    """A due date as a plan version keeps it (ISO, or "" for none), in the pack's style."""
    return show_date(date.fromisoformat(value)) if value else "no date"


def computed_rag(by_when: date | None, status: str, today: date, amber_within_days: int) -> str:
    """RAG from the facts: done is green; not done, or still open past its date, is red; open and
    due within the council's warning window is amber; otherwise green."""
    if status == "done":
        return "green"
    if status == "not_done":
        return "red"
    if by_when is None:
        return ""
    if by_when < today:
        return "red"
    if (by_when - today).days <= amber_within_days:
        return "amber"
    return "green"


def rag_words(rag: str, rag_reason: str, overdue: bool) -> str:
    """The RAG as printed: said in words, with the worker's reason when they set it."""
    words = RAG_LABELS.get(rag, rag)
    if overdue:
        words += " (overdue)"
    if rag_reason:
        words += f" — set by the worker: {rag_reason}"
    return words


def is_overdue(by_when: date | None, status: str, today: date) -> bool:
    return status in OPEN_STATUSES and by_when is not None and by_when < today


REVIEW_OUTCOME_LABELS = {
    "positive_change": "Positive change",
    "no_change": "No change",
    "deterioration": "Deterioration",
}


@dataclass(frozen=True)
class ActionView:
    id: str
    outcome_id: str
    what: str
    who_name: str
    who_agency: str
    by_when: date | None
    status: str
    # The RAG everyone sees: the worker's own rating when they set one (with a reason), else
    # worked out from the due date and status.
    rag: str
    agreed_at_meeting_id: str = ""
    rag_set: str = ""
    rag_reason: str = ""
    overdue: bool = False
    # The professional on the family's list who does it (empty: someone else).
    who_professional_id: str = ""

    @property
    def rag_by_worker(self) -> bool:
        return bool(self.rag_set)

    @property
    def who(self) -> str:
        agency = current_pack().label("agencies", self.who_agency) if self.who_agency else ""
        return ", ".join(p for p in (self.who_name, agency) if p)


@dataclass(frozen=True)
class OutcomeView:
    id: str
    what_will_be_different: str
    for_whom: str
    how_we_will_know: str
    linked_need: str
    actions: tuple[ActionView, ...]


@dataclass(frozen=True)
class PlanView:
    episode_id: str
    family_id: str
    read_only: bool
    outcomes: tuple[OutcomeView, ...]
    latest_version: int

    @property
    def overdue_actions(self) -> list[ActionView]:
        return [a for o in self.outcomes for a in o.actions if a.overdue]


@dataclass(frozen=True)
class VersionView:
    version: int
    recorded_on: date
    meeting_id: str
    review_outcome: str
    changes: tuple[str, ...]
    snapshot: tuple[dict, ...]

    @property
    def headline(self) -> str:
        if self.version == 1:
            return f"Version 1, {show_date(self.recorded_on)}: the plan was agreed"
        if not self.review_outcome:
            return f"Version {self.version}, {show_date(self.recorded_on)}: the plan was updated"
        outcome = REVIEW_OUTCOME_LABELS.get(self.review_outcome, self.review_outcome)
        return f"Version {self.version}, {show_date(self.recorded_on)}: reviewed — {outcome.lower()}"


def _action_view(a: PlanAction, today: date, amber_within_days: int) -> ActionView:
    return ActionView(
        a.id,
        a.outcome_id,
        a.what,
        a.who_name,
        a.who_agency,
        a.by_when,
        a.status,
        a.rag or computed_rag(a.by_when, a.status, today, amber_within_days),
        a.agreed_at_meeting_id,
        rag_set=a.rag,
        rag_reason=a.rag_reason if a.rag else "",
        overdue=is_overdue(a.by_when, a.status, today),
        who_professional_id=a.who_professional_id,
    )


# The plan's reads, built once with their values bound at each call: building a statement and
# working out its cache key cost about as much as running it, and completing a meeting, adding
# an outcome or an action read these again and again (the demo: thousands of times a batch).
_OUTCOMES = (
    select(PlanOutcome)
    .where(PlanOutcome.episode_id == bindparam("episode_id"), PlanOutcome.deleted.is_(False))
    .order_by(PlanOutcome.position, PlanOutcome.created_at)
)
_ACTIONS = (
    select(PlanAction)
    .where(PlanAction.episode_id == bindparam("episode_id"), PlanAction.deleted.is_(False))
    .order_by(PlanAction.position, PlanAction.created_at)
)
_LATEST_VERSION = (
    select(PlanVersion)
    .where(PlanVersion.episode_id == bindparam("episode_id"), PlanVersion.deleted.is_(False))
    .order_by(PlanVersion.version.desc())
    .limit(1)
)
_LATEST_VERSION_NUMBER = _LATEST_VERSION.with_only_columns(PlanVersion.version)
_OUTCOME_POSITIONS = select(PlanOutcome.position).where(PlanOutcome.episode_id == bindparam("episode_id"))
_ACTION_POSITIONS = select(PlanAction.position).where(PlanAction.outcome_id == bindparam("outcome_id"))


def get_plan(session: Session, episode_id: str, today: date | None = None) -> PlanView:
    """The live plan; RAG and "overdue" are judged on ``today`` (a closed plan: its closing day)."""
    episode = episode_or_404(session, episode_id)
    today = (episode.closed_on if episode.status != "open" else None) or today or date.today()
    window = current_pack().practice.rag_amber_within_days
    outcomes = session.scalars(_OUTCOMES, {"episode_id": episode_id}).all()
    actions = session.scalars(_ACTIONS, {"episode_id": episode_id}).all()
    by_outcome: dict[str, list[ActionView]] = {}
    for a in actions:
        by_outcome.setdefault(a.outcome_id, []).append(_action_view(a, today, window))
    latest = session.scalar(_LATEST_VERSION_NUMBER, {"episode_id": episode_id})
    return PlanView(
        episode_id=episode.id,
        family_id=episode.family_id,
        read_only=episode.status != "open",
        outcomes=tuple(
            OutcomeView(
                o.id,
                o.what_will_be_different,
                o.for_whom,
                o.how_we_will_know,
                o.linked_need,
                tuple(by_outcome.get(o.id, ())),
            )
            for o in outcomes
        ),
        latest_version=latest or 0,
    )


OUTCOME_FIELDS = ("what_will_be_different", "for_whom", "how_we_will_know", "linked_need")
ACTION_FIELDS = (
    "what",
    "who_name",
    "who_agency",
    "who_professional_id",
    "by_when",
    "status",
    "rag",
    "rag_reason",
)


def clean_outcome(data: dict) -> dict:
    clean = {k: str(data.get(k) or "").strip() for k in OUTCOME_FIELDS}
    errors = {}
    if not clean["what_will_be_different"]:
        errors["what_will_be_different"] = "Say what will be different for the family."
    if not clean["for_whom"]:
        errors["for_whom"] = "Say who the outcome is for."
    if not clean["how_we_will_know"]:
        errors["how_we_will_know"] = "Say how everyone will know the outcome has been reached."
    if errors:
        raise ValidationError(errors)
    return clean


def clean_action(data: dict) -> dict:
    clean = {
        "what": str(data.get("what") or "").strip(),
        "who_name": str(data.get("who_name") or "").strip(),
        "who_agency": str(data.get("who_agency") or "").strip(),
        "who_professional_id": str(data.get("who_professional_id") or "").strip(),
        "by_when": data.get("by_when"),
        "status": data.get("status") or "not_started",
        "rag": data.get("rag") or "",
        "rag_reason": str(data.get("rag_reason") or "").strip(),
    }
    errors = {}
    if not clean["what"]:
        errors["what"] = "Say what will be done."
    if not clean["who_name"] and not clean["who_agency"] and not clean["who_professional_id"]:
        errors["who"] = "Say who will do it: a person, an agency, or both."
    if clean["who_agency"] and clean["who_agency"] not in current_pack().codes("agencies"):
        errors["who_agency"] = "Choose the agency from the list."
    if not isinstance(clean["by_when"], date):
        errors["by_when"] = "Give the date it will be done by."
    if clean["status"] not in ACTION_STATUSES:
        errors["status"] = "Choose the action's status from the list."
    if clean["rag"] not in RAG:
        errors["rag"] = "Choose red, amber or green (or leave it blank)."
    elif clean["rag"] and not clean["rag_reason"]:
        errors["rag_reason"] = (
            "Say why you are setting the RAG yourself; left blank, it is worked out from the "
            "due date and status."
        )
    if not clean["rag"]:
        clean["rag_reason"] = ""
    if errors:
        raise ValidationError(errors)
    return clean


def _next_position(session: Session, positions: Select, **values: str) -> int:
    """``positions``: one of the statements above that read the positions taken."""
    return max(session.scalars(positions, values), default=-1) + 1


def add_outcome(session: Session, episode_id: str, data: dict) -> str:
    episode = require_open(session, episode_id)
    clean = clean_outcome(data)
    row = PlanOutcome(
        family_id=episode.family_id,
        episode_id=episode_id,
        position=_next_position(session, _OUTCOME_POSITIONS, episode_id=episode_id),
        **clean,
    )
    session.add(row)
    audit.record(session, "change", "plan_outcome", row.id, episode.family_id, op="add")
    return row.id


def _outcome(session: Session, outcome_id: str) -> PlanOutcome:
    return live(session, PlanOutcome, outcome_id, "plan outcome", "no longer exists")


def _action(session: Session, action_id: str) -> PlanAction:
    return live(session, PlanAction, action_id, "plan action", "no longer exists")


def update_outcome(session: Session, outcome_id: str, changes: dict) -> None:
    row = _outcome(session, outcome_id)
    require_open(session, row.episode_id)
    merged = {k: getattr(row, k) for k in OUTCOME_FIELDS} | changes
    for key, value in clean_outcome(merged).items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    audit.record(session, "change", "plan_outcome", row.id, row.family_id, op="edit")


def remove_outcome(session: Session, outcome_id: str) -> None:
    row = _outcome(session, outcome_id)
    require_open(session, row.episode_id)
    row.deleted = True
    for action in session.scalars(select(PlanAction).where(PlanAction.outcome_id == outcome_id)):
        action.deleted = True
    audit.record(session, "change", "plan_outcome", row.id, row.family_id, op="remove")


def add_action(session: Session, outcome_id: str, data: dict, meeting_id: str = "") -> str:
    outcome = _outcome(session, outcome_id)
    require_open(session, outcome.episode_id)
    clean = link_professional(session, outcome.family_id, clean_action(data))
    row = PlanAction(
        family_id=outcome.family_id,
        episode_id=outcome.episode_id,
        outcome_id=outcome_id,
        position=_next_position(session, _ACTION_POSITIONS, outcome_id=outcome_id),
        agreed_at_meeting_id=meeting_id,
        **clean,
    )
    session.add(row)
    audit.record(session, "change", "plan_action", row.id, outcome.family_id, op="add")
    return row.id


def update_action(session: Session, action_id: str, changes: dict) -> None:
    row = _action(session, action_id)
    require_open(session, row.episode_id)
    merged = {k: getattr(row, k) for k in ACTION_FIELDS} | changes
    for key, value in link_professional(session, row.family_id, clean_action(merged)).items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    audit.record(session, "change", "plan_action", row.id, row.family_id, op="edit")


def remove_action(session: Session, action_id: str) -> None:
    row = _action(session, action_id)
    require_open(session, row.episode_id)
    row.deleted = True
    audit.record(session, "change", "plan_action", row.id, row.family_id, op="remove")


# --- versions -------------------------------------------------------------------------------


def snapshot(plan: PlanView) -> list[dict]:
    """The plan as plain data, frozen into a version (dates as ISO text so it round-trips JSON)."""
    return [
        {
            "id": o.id,
            "what_will_be_different": o.what_will_be_different,
            "for_whom": o.for_whom,
            "how_we_will_know": o.how_we_will_know,
            "linked_need": o.linked_need,
            "actions": [
                {
                    "id": a.id,
                    "what": a.what,
                    "who": a.who,
                    "by_when": a.by_when.isoformat() if a.by_when else "",
                    "status": a.status,
                    "rag": a.rag,
                    "rag_reason": a.rag_reason,
                    "overdue": a.overdue,
                }
                for a in o.actions
            ],
        }
        for o in plan.outcomes
    ]


def describe_changes(before: list[dict], after: list[dict]) -> list[str]:
    """What changed between two snapshots, in sentences a family could read."""
    if not before:
        n_actions = sum(len(o["actions"]) for o in after)
        outcomes = f"{len(after)} {'outcome' if len(after) == 1 else 'outcomes'}"
        actions = f"{n_actions} {'action' if n_actions == 1 else 'actions'}"
        return [f"The plan was agreed with {outcomes} and {actions}."]
    lines: list[str] = []
    old_outcomes = {o["id"]: o for o in before}
    new_outcomes = {o["id"]: o for o in after}
    for o in after:
        if o["id"] not in old_outcomes:
            lines.append(f"New outcome: {o['what_will_be_different']}")
    for o in before:
        if o["id"] not in new_outcomes:
            lines.append(f"Outcome no longer in the plan: {o['what_will_be_different']}")
    old_actions = {a["id"]: a for o in before for a in o["actions"]}
    new_actions = {a["id"]: a for o in after for a in o["actions"]}
    for action_id, a in new_actions.items():
        old = old_actions.get(action_id)
        if old is None:
            lines.append(f"New action: {a['what']} ({a['who']}, by {_day(a['by_when'])})")
            continue
        if old["status"] != a["status"]:
            lines.append(f"{a['what']}: {STATUS_LABELS[old['status']]} → {STATUS_LABELS[a['status']]}")
        if old["by_when"] != a["by_when"]:
            lines.append(f"{a['what']}: now due by {_day(a['by_when'])} (was {_day(old['by_when'])})")
        if old["rag"] != a["rag"]:
            lines.append(f"{a['what']}: rated {RAG_LABELS[a['rag']]} (was {RAG_LABELS[old['rag']]})")
    for action_id, a in old_actions.items():
        if action_id not in new_actions:
            lines.append(f"Action removed: {a['what']}")
    return lines or ["No changes to the plan."]


def record_version(
    session: Session,
    episode_id: str,
    meeting_id: str,
    on: date,
    review_outcome: str = "",
    plan: PlanView | None = None,
) -> int:
    """Freeze the plan as it stands now into the next version (called when a TAF is completed).
    ``plan``: the plan on ``on``, when the caller has just read it."""
    if review_outcome and review_outcome not in REVIEW_OUTCOMES:
        raise ValidationError({"review_outcome": "Choose positive change, no change or deterioration."})
    if plan is None:
        plan = get_plan(session, episode_id, today=on)
    previous = session.scalars(_LATEST_VERSION, {"episode_id": episode_id}).first()
    now = snapshot(plan)
    version = (previous.version if previous else 0) + 1
    session.add(
        PlanVersion(
            family_id=plan.family_id,
            episode_id=episode_id,
            meeting_id=meeting_id,
            version=version,
            recorded_on=on,
            review_outcome=review_outcome,
            snapshot=now,
            changes=describe_changes(previous.snapshot if previous else [], now),
        )
    )
    return version


def plan_history(session: Session, episode_id: str) -> list[VersionView]:
    rows = session.scalars(
        select(PlanVersion)
        .where(PlanVersion.episode_id == episode_id, PlanVersion.deleted.is_(False))
        .order_by(PlanVersion.version)
    ).all()
    return [
        VersionView(
            r.version, r.recorded_on, r.meeting_id, r.review_outcome, tuple(r.changes), tuple(r.snapshot)
        )
        for r in rows
    ]


def history_story(versions: list[VersionView]) -> str:
    """The plan's history as plain text: each version's headline and what changed."""
    parts = []
    for v in versions:
        parts.append(v.headline)
        parts.extend(f"  • {line}" for line in v.changes)
    return "\n".join(parts) if parts else "The plan has not been agreed at a TAF meeting yet."
