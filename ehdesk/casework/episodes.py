"""Episodes (cases): opening one, allocating it, the lead professional, level of need, the
criteria met and the presenting factors (all lists from the council pack)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit, episode_access
from ehdesk.casework.families import _family_or_404
from ehdesk.casework.records import live, set_fields
from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Episode, Person

EPISODE_FIELDS = (
    "referral_id",
    "case_type",
    "opened_on",
    "allocated_worker_id",
    "allocated_worker_name",
    "allocated_on",
    "lead_professional_name",
    "lead_professional_role",
    "lead_professional_agency",
    "lead_child_id",
    "level_of_need",
    "criteria_met",
    "presenting_factors",
)


@dataclass(frozen=True)
class EpisodeView:
    id: str
    family_id: str
    referral_id: str | None
    case_type: str
    opened_on: date
    allocated_worker_id: str | None
    allocated_worker_name: str
    allocated_on: date | None
    lead_professional_name: str
    lead_professional_role: str
    lead_professional_agency: str
    lead_child_id: str | None
    level_of_need: int | None
    criteria_met: list[str]
    presenting_factors: list[str]
    status: str
    closed_on: date | None


def _view(e: Episode) -> EpisodeView:
    # Any: each field has its column's type, which EpisodeView repeats field by field.
    fields: dict[str, Any] = {
        n: (list(getattr(e, n) or []) if n in ("criteria_met", "presenting_factors") else getattr(e, n))
        for n in EPISODE_FIELDS
    }
    return EpisodeView(id=e.id, family_id=e.family_id, status=e.status, closed_on=e.closed_on, **fields)


def clean_episode(
    session: Session, family_id: str, data: dict, pack: CouncilPack | None = None, today: date | None = None
) -> dict:
    pack = pack or current_pack()
    today = today or date.today()
    unknown = set(data) - set(EPISODE_FIELDS)
    if unknown:
        raise ValueError(f"unknown episode fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    cleaned = dict(data)
    opened = data.get("opened_on")
    if opened is None:
        errors["opened_on"] = "The date the case was opened is missing."
    elif opened > today:
        errors["opened_on"] = f"The opening date {show_date(opened)} is in the future."
    allocated = data.get("allocated_on")
    if allocated is not None:
        if allocated > today:
            errors["allocated_on"] = f"The allocation date {show_date(allocated)} is in the future."
        elif opened is not None and allocated < opened:
            errors["allocated_on"] = "The case cannot be allocated before it was opened."
        if not data.get("allocated_worker_id"):
            errors["allocated_on"] = "Choose the worker the case is allocated to."
    case_type = data.get("case_type", "early_help")
    if case_type not in pack.codes("case_types"):
        errors["case_type"] = "Choose a type of case from the list."
    level = data.get("level_of_need")
    if level is not None and level not in pack.codes("levels_of_need"):
        errors["level_of_need"] = "Choose a level of need from the list."
    for name, list_name, label in (
        ("criteria_met", "early_help_criteria", "criteria"),
        ("presenting_factors", "presenting_factors", "presenting factors"),
    ):
        values = list(data.get(name) or [])
        if any(v not in pack.codes(list_name) for v in values):
            errors[name] = f"Choose the {label} from the list."
        cleaned[name] = values
    agency = data.get("lead_professional_agency", "")
    if agency and agency not in pack.codes("agencies"):
        errors["lead_professional_agency"] = "Choose the lead professional's agency from the list."
    child_id = data.get("lead_child_id")
    if child_id:
        child = session.get(Person, child_id)
        if child is None or child.deleted or child.family_id != family_id or child.role != "child":
            errors["lead_child_id"] = "Choose the lead child from this family's children."
    for text in ("lead_professional_name", "lead_professional_role", "allocated_worker_name"):
        cleaned[text] = (data.get(text) or "").strip()
    if errors:
        raise ValidationError(errors)
    return cleaned


def list_episodes(session: Session, family_id: str) -> list[EpisodeView]:
    rows = session.scalars(
        select(Episode)
        .where(Episode.family_id == family_id, Episode.deleted.is_(False))
        .order_by(Episode.opened_on.desc())
    ).all()
    return [_view(e) for e in rows]


def current_episode(session: Session, family_id: str) -> EpisodeView | None:
    """The view of the family's current episode (the rule is `episode_access.current_episode`)."""
    episode = episode_access.current_episode(session, family_id)
    return _view(episode) if episode is not None else None


def open_episode(
    session: Session,
    family_id: str,
    data: dict,
    pack: CouncilPack | None = None,
    step_down: dict | None = None,
    today: date | None = None,
) -> str:
    """Open a case. A step-down case may come with its step-down handover (``step_down``: the
    social worker, the plan, the reason, the joint visit), recorded with it; without one, closing
    it later asks for it (``closure_rules``: step_down_handover)."""
    _family_or_404(session, family_id)
    if episode_access.open_episode_of(session, family_id) is not None:
        raise ValidationError({"opened_on": "This family already has an open case; update that one instead."})
    cleaned = clean_episode(session, family_id, data, pack, today)
    if step_down is not None and cleaned.get("case_type") != "step_down":
        raise ValidationError({"case_type": "A step-down handover comes only with a step-down case."})
    episode = Episode(family_id=family_id, status="open", **cleaned)
    if step_down is not None:
        from ehdesk.casework import handovers

        # Checked before anything is written, so a wrong handover leaves no case behind.
        try:
            handovers.clean_handover(
                "step_down", dict(step_down), episode, pack or current_pack(), date.today()
            )
        except ValidationError as exc:
            raise handovers.prefixed(exc, "step_down_") from None
    session.add(episode)
    if step_down is not None:
        handovers.record_handover(session, episode.id, "step_down", dict(step_down), pack)
    audit.record(session, "change", "episode", episode.id, family_id, change="open")
    return episode.id


def update_episode(session: Session, episode_id: str, changes: dict, pack: CouncilPack | None = None) -> None:
    episode = live(session, Episode, episode_id, "case")
    current = {n: getattr(episode, n) for n in EPISODE_FIELDS}
    current.update(changes)
    cleaned = clean_episode(session, episode.family_id, current, pack)
    if set_fields(episode, {name: cleaned[name] for name in EPISODE_FIELDS}):
        audit.record(session, "change", "episode", episode_id, episode.family_id, fields=sorted(changes))


def allocate(session: Session, episode_id: str, worker_id: str, worker_name: str, allocated_on: date) -> None:
    update_episode(
        session,
        episode_id,
        {
            "allocated_worker_id": worker_id,
            "allocated_worker_name": worker_name,
            "allocated_on": allocated_on,
        },
    )
