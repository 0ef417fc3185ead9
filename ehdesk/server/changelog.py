"""The change log: every applied change gets the next global revision, and a copy of the whole
row lands in the log for laptops to pull.

Revisions are handed out under a row lock on the counter held to the end of the transaction, so
they commit in order across server processes: a laptop that pulled up to revision N can never
later see a revision below N appear."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.models import AuditEvent, Family, FamilyScoped, Synced
from ehdesk.models.wire import row_to_dict
from ehdesk.server.models import ChangeLog, Counter

# Fields describing the server's copy rather than the record: not sent.
NOT_SENT = frozenset({"server_revision", "created_at", "updated_at"})


class Revisions:
    def __init__(self, session: Session) -> None:
        self.session = session
        self._counter: Counter | None = None

    def next(self) -> int:
        if self._counter is None:
            self._counter = self.session.scalars(
                select(Counter).where(Counter.name == "revision").with_for_update()
            ).one()
        self._counter.value += 1
        return self._counter.value


def head(session: Session) -> int:
    return session.scalar(select(Counter.value).where(Counter.name == "revision")) or 0


def family_of(obj) -> str | None:
    if isinstance(obj, Family):
        return obj.id
    if isinstance(obj, FamilyScoped | AuditEvent):
        return obj.family_id or None
    return None


def team_of(obj) -> str | None:
    """The team a staff row belongs to (only its team's laptops receive it)."""
    return getattr(obj, "team_id", None) if obj.__tablename__ == "user_account" else None


def log_row(
    session: Session,
    revisions: Revisions,
    obj: Synced,
    changed: list[str],
    device_id: str = "",
    origin_has_it: bool = False,
) -> int:
    """Stamp ``obj`` with a new revision and append its whole row to the log."""
    revision = revisions.next()
    obj.server_revision = revision
    session.add(
        ChangeLog(
            revision=revision,
            entity=obj.__tablename__,
            row_id=obj.id,
            family_id=family_of(obj),
            team_id=team_of(obj),
            fields=row_to_dict(obj, exclude=NOT_SENT),
            changed=sorted(changed),
            deleted=bool(obj.deleted),
            device_id=device_id,
            origin_has_it=origin_has_it,
        )
    )
    return revision


class LogBuffer:
    """Change-log rows for a whole push batch, written after one flush at the end (a flush per
    row costs more than the rest of applying it). Revisions are still taken in order, at once."""

    def __init__(self, revisions: Revisions) -> None:
        self.revisions = revisions
        self._rows: list[tuple[int, Synced, list[str], str, bool]] = []

    def add(self, obj: Synced, changed: list[str], device_id: str = "", origin_has_it: bool = False) -> int:
        revision = self.revisions.next()
        obj.server_revision = revision
        self._rows.append((revision, obj, sorted(changed), device_id, origin_has_it))
        return revision

    def write(self, session: Session) -> None:
        session.flush()  # fills column defaults of new rows before they are copied
        session.add_all(
            [
                ChangeLog(
                    revision=revision,
                    entity=obj.__tablename__,
                    row_id=obj.id,
                    family_id=family_of(obj),
                    team_id=team_of(obj),
                    fields=row_to_dict(obj, exclude=NOT_SENT),
                    changed=changed,
                    deleted=bool(obj.deleted),
                    device_id=device_id,
                    origin_has_it=origin_has_it,
                )
                for revision, obj, changed, device_id, origin_has_it in self._rows
            ]
        )
        session.flush()
        self._rows.clear()
