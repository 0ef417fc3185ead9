"""The change log: every applied change gets the next global revision, and a copy of the whole
row lands in the log for laptops to pull.

Revisions are handed out under a row lock on the counter held to the end of the transaction, so
they commit in order across server processes: a laptop that pulled up to revision N can never
later see a revision below N appear."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import JSON, Table, insert, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from ehdesk.models import AuditEvent, Family, FamilyScoped, Synced
from ehdesk.models.wire import row_to_dict, to_json_value
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


class NewRow:
    """A row a push batch creates, held as plain column values and inserted with the batch's other
    new rows of its table in one statement (an ORM object a row cost more than the rest of the
    push). Reads and writes its columns as attributes, like the ORM object it stands for."""

    __slots__ = ("model", "values")

    def __init__(self, model: type, row_id: str, values: dict) -> None:
        full = {"id": row_id}
        for name, default in _defaults(model):
            if name not in values and name != "id":
                full[name] = default() if callable(default) else default
        full.update(values)
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "values", full)

    @property
    def __tablename__(self) -> str:  # noqa: PLW3201  (read as the ORM object's would be)
        return self.model.__tablename__

    def __getattr__(self, name: str):
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value) -> None:
        self.values[name] = value


_DEFAULTS: dict[type, list[tuple[str, object]]] = {}


def _defaults(model: type) -> list[tuple[str, object]]:
    """(column, default value or zero-argument callable) for every column, as the ORM fills them on
    insert; None where the column has no default."""
    if model not in _DEFAULTS:
        out = []
        for column in model.__table__.columns:
            default = column.default
            if default is None:
                server = column.server_default
                value = server.arg if server is not None and isinstance(server.arg, str) else None
            elif default.is_callable:
                value = lambda fn=default.arg: fn(None)  # noqa: E731
            else:
                value = default.arg
            out.append((column.key, value))
        _DEFAULTS[model] = out
    return _DEFAULTS[model]


def _model_of(obj) -> type:
    return obj.model if isinstance(obj, NewRow) else type(obj)


def family_of(obj) -> str | None:
    model = _model_of(obj)
    if issubclass(model, Family):
        return obj.id
    if issubclass(model, FamilyScoped | AuditEvent):
        return obj.family_id or None
    return None


def team_of(obj) -> str | None:
    """The team a staff row belongs to (only its team's laptops receive it)."""
    return getattr(obj, "team_id", None) if obj.__tablename__ == "user_account" else None


def _whole_row(obj) -> dict:
    if isinstance(obj, NewRow):
        return {k: to_json_value(v) for k, v in obj.values.items() if k not in NOT_SENT}
    return row_to_dict(obj, exclude=NOT_SENT)


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
    row costs more than the rest of applying it). Revisions are still taken in order, at once.
    Rows the batch creates (``NewRow``) are inserted here too: one executemany a table."""

    def __init__(self, revisions: Revisions) -> None:
        self.revisions = revisions
        self._rows: list[tuple[int, Synced | NewRow, list[str], str, bool]] = []
        self._new: list[NewRow] = []

    def add_new(self, row: NewRow) -> None:
        self._new.append(row)

    def add(self, obj: Synced, changed: list[str], device_id: str = "", origin_has_it: bool = False) -> int:
        revision = self.revisions.next()
        obj.server_revision = revision
        self._rows.append((revision, obj, sorted(changed), device_id, origin_has_it))
        return revision

    def write(self, session: Session) -> None:
        session.flush()  # fills column defaults of new ORM rows before they are copied
        by_table: dict[type, list[dict]] = {}
        for row in self._new:
            by_table.setdefault(row.model, []).append(row.values)
        for model, values in by_table.items():
            bulk_insert(session, model.__table__, values)
        if self._rows:
            now = datetime.now(UTC)
            bulk_insert(
                session,
                ChangeLog.__table__,
                [
                    {
                        "revision": revision,
                        "entity": obj.__tablename__,
                        "row_id": obj.id,
                        "family_id": family_of(obj),
                        "team_id": team_of(obj),
                        "fields": _whole_row(obj),
                        "changed": changed,
                        "deleted": bool(obj.deleted),
                        "device_id": device_id,
                        "origin_has_it": origin_has_it,
                        "at": now,
                    }
                    for revision, obj, changed, device_id, origin_has_it in self._rows
                ],
            )
        self._rows.clear()
        self._new.clear()


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert many rows, each carrying a value for every column: with COPY on PostgreSQL (a
    statement a row costs the server twice as much), one executemany elsewhere."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    columns = list(table.columns)
    as_json = [isinstance(c.type, JSON) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    keys = [c.key for c in columns]
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    dbapi = connection.dialect.dbapi
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        json.dumps(row[key]) if is_json else row[key]
                        for key, is_json in zip(keys, as_json, strict=True)
                    ]
                )
    except dbapi.IntegrityError as exc:  # as SQLAlchemy would report it from an INSERT
        raise IntegrityError(statement, None, exc) from None
    except dbapi.DataError as exc:
        raise DataError(statement, None, exc) from None
