"""PARA session notes: planning sessions with the family and writing them up once held.
Planned sessions are what the caseload shows as upcoming."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit, drafts
from ehdesk.casework.episode_access import require_open
from ehdesk.config.pack import current_pack
from ehdesk.errors import NotFound, ValidationError
from ehdesk.models import Episode
from ehdesk.models.session_note import SESSION_STATUSES, SessionNote

FIELDS = (
    "session_on",
    "session_type",
    "status",
    "duration_minutes",
    "worker_name",
    "notes",
    "seen",
    "outcome_ids",
)


@dataclass(frozen=True)
class SessionView:
    id: str
    episode_id: str
    session_on: date
    session_type: str
    status: str
    duration_minutes: int | None
    worker_name: str
    notes: dict
    seen: tuple[dict, ...]
    outcome_ids: tuple[str, ...]

    @property
    def type_label(self) -> str:
        return current_pack().label("session_types", self.session_type)


@dataclass(frozen=True)
class UpcomingSession:
    session_id: str
    episode_id: str
    family_id: str
    session_on: date
    session_type: str


def _view(r: SessionNote) -> SessionView:
    return SessionView(
        r.id,
        r.episode_id,
        r.session_on,
        r.session_type,
        r.status,
        r.duration_minutes,
        r.worker_name,
        dict(r.notes),
        tuple(r.seen),
        tuple(r.outcome_ids),
    )


def clean_session(data: dict) -> dict:
    pack = current_pack()
    headings = pack.codes("session_note_headings")
    notes = {k: str(v or "").strip() for k, v in (data.get("notes") or {}).items() if k in headings}
    seen = [
        {
            "person_id": s.get("person_id") or "",
            "name": str(s.get("name") or "").strip(),
            "is_child": bool(s.get("is_child")),
            "seen_alone": bool(s.get("seen_alone")) and bool(s.get("is_child")),
        }
        for s in data.get("seen") or []
        if str(s.get("name") or "").strip()
    ]
    clean = {
        "session_on": data.get("session_on"),
        "session_type": data.get("session_type") or "",
        "status": data.get("status") or "planned",
        "duration_minutes": data.get("duration_minutes") or None,
        "worker_name": str(data.get("worker_name") or "").strip(),
        "notes": notes,
        "seen": seen,
        "outcome_ids": list(data.get("outcome_ids") or []),
    }
    errors: dict[str, str] = {}
    if not isinstance(clean["session_on"], date):
        errors["session_on"] = "Give the date of the session."
    if clean["session_type"] not in pack.codes("session_types"):
        errors["session_type"] = "Choose the kind of session (home visit, phone, …)."
    if clean["status"] not in SESSION_STATUSES:
        errors["status"] = "Choose planned, held or cancelled."
    minutes = clean["duration_minutes"]
    if minutes is not None and not (isinstance(minutes, int) and 1 <= minutes <= 720):
        errors["duration_minutes"] = "The length of the session must be between 1 minute and 12 hours."
    if clean["status"] == "held":
        first = pack.session_note_headings[0]
        if not notes.get(first.code):
            errors[f"notes.{first.code}"] = f"Write the {first.label.lower()} of the session."
        if not seen:
            errors["seen"] = "Say who was seen."
        if minutes is None:
            errors["duration_minutes"] = "Say how long the session lasted."
    if errors:
        raise ValidationError(errors)
    return clean


def list_sessions(session: Session, episode_id: str) -> list[SessionView]:
    rows = session.scalars(
        select(SessionNote)
        .where(SessionNote.episode_id == episode_id, SessionNote.deleted.is_(False))
        .order_by(SessionNote.session_on.desc(), SessionNote.created_at.desc())
    )
    return [_view(r) for r in rows]


def save_session(session: Session, episode_id: str, data: dict, session_id: str | None = None) -> str:
    """Create (no ``session_id``) or update a session note; nothing is saved if any field is wrong."""
    episode = require_open(session, episode_id)
    clean = clean_session(data)
    if session_id is None:
        note = SessionNote(family_id=episode.family_id, episode_id=episode_id, **clean)
        session.add(note)
        audit.record(session, "change", "session_note", note.id, episode.family_id, op="add")
        return note.id
    row = session.get(SessionNote, session_id)
    if row is None or row.deleted or row.episode_id != episode_id:
        raise NotFound("That session note no longer exists.")
    for key, value in clean.items():
        if getattr(row, key) != value:
            setattr(row, key, value)
    audit.record(session, "change", "session_note", row.id, row.family_id, op="edit")
    return row.id


def upcoming_sessions(session: Session, today: date, worker_id: str | None = None) -> list[UpcomingSession]:
    """Planned sessions from today on, on open episodes (the caseload's 'upcoming')."""
    query = (
        select(
            SessionNote.id,
            SessionNote.episode_id,
            SessionNote.family_id,
            SessionNote.session_on,
            SessionNote.session_type,
        )
        .join(Episode, Episode.id == SessionNote.episode_id)
        .where(
            SessionNote.status == "planned",
            SessionNote.deleted.is_(False),
            SessionNote.session_on >= today,
            Episode.status == "open",
            Episode.deleted.is_(False),
        )
        .order_by(SessionNote.session_on)
    )
    if worker_id is not None:
        query = query.where(Episode.allocated_worker_id == worker_id)
    return [UpcomingSession(*r) for r in session.execute(query)]


def session_facts(session: Session, episode_ids: list[str]) -> dict[str, dict]:
    """Fact source for the timescale module: planned sessions not yet written up, per episode."""
    if not episode_ids:
        return {}
    rows = session.execute(
        select(SessionNote.episode_id, SessionNote.session_on).where(
            SessionNote.episode_id.in_(episode_ids),
            SessionNote.status == "planned",
            SessionNote.deleted.is_(False),
        )
    )
    found: dict[str, list[date]] = {}
    for episode_id, on in rows:
        found.setdefault(episode_id, []).append(on)
    return {e: {"planned_session_dates": tuple(sorted(d))} for e, d in found.items()}


def next_planned_by_family(session: Session, today: date) -> dict[str, date]:
    """{family_id: date of the next planned session}, for a caseload column."""
    found: dict[str, date] = {}
    for item in upcoming_sessions(session, today):
        found.setdefault(item.family_id, item.session_on)
    return found


# A session note typed but not yet valid when the laptop locks is kept in the one draft store
# (inside the encrypted store, never in a temp file) and offered back next time.
def _draft_key(family_id: str) -> str:
    return f"family:{family_id}:session_note"


def get_draft(session: Session, family_id: str) -> str:
    return drafts.load_text(session, _draft_key(family_id), earlier_key=f"draft.session_note.{family_id}")


def set_draft(session: Session, family_id: str, text: str) -> None:
    drafts.save_text(session, _draft_key(family_id), text, family_id)
