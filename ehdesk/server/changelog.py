"""The change log: every applied change gets the next global revision, and a copy of the whole
row lands in the log for laptops to pull. Audit events, which laptops push and never pull
(``scope.PUSH_ONLY_ENTITIES``), are stored and chain-checked but take no log row.

Revisions are handed out under a row lock on the counter held to the end of the transaction, so
they commit in order across server processes: a laptop that pulled up to revision N can never
later see a revision below N appear."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import orjson
from sqlalchemy import JSON, Table, bindparam, insert, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from ehdesk.models import AuditEvent, Family, FamilyScoped, Synced
from ehdesk.models.types import utcnow
from ehdesk.models.wire import row_to_dict, to_json_value
from ehdesk.server.db import Prebuilt
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


# Every pull and push reads it: run on the driver (``Prebuilt``), a number needs no SQLAlchemy.
_HEAD = Prebuilt(select(Counter.__table__.c.value).where(Counter.__table__.c.name == "revision"))


def head(session: Session) -> int:
    """The newest revision."""
    rows = _HEAD.rows(session)
    return (rows[0][0] if rows else 0) or 0


class PlainRow:
    """A row of a push batch held as plain column values, read and written as attributes like the
    ORM object it stands for (an ORM object a row, loaded and flushed, cost more than the rest of
    the push)."""

    __slots__ = ("model", "values")

    def __init__(self, model: type, values: dict) -> None:
        object.__setattr__(self, "model", model)
        object.__setattr__(self, "values", values)

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


class NewRow(PlainRow):
    """A row a push batch creates, inserted with the batch's other new rows of its table in one
    statement."""

    __slots__ = ()

    def __init__(self, model: type, row_id: str, values: dict) -> None:
        full = {"id": row_id}
        for name, default in _defaults(model):
            if name not in values and name != "id":
                full[name] = default() if callable(default) else default
        full.update(values)
        super().__init__(model, full)


class StoredRow(PlainRow):
    """A row of the server's a push batch read (``load_rows``): the columns set on it are written
    back in one UPDATE (per table and set of columns) when the batch's log is written."""

    __slots__ = ("changed",)

    def __init__(self, model: type, values: dict) -> None:
        super().__init__(model, values)
        object.__setattr__(self, "changed", set())

    def __setattr__(self, name: str, value) -> None:
        self.values[name] = value
        self.changed.add(name)


_SELECT_ROWS: dict[type, tuple] = {}


def load_rows(session: Session, model: type, ids: list[str]) -> list[StoredRow]:
    """The rows of ``model`` with these ids, as ``StoredRow``: one Core query, no ORM objects."""
    if model not in _SELECT_ROWS:
        table = model.__table__
        keys = [c.key for c in table.columns]
        rows = select(*table.columns)
        # One id (the usual small push): an equality, run on the driver (``Prebuilt``).
        one = Prebuilt(rows.where(table.c.id == bindparam("id")))
        many = rows.where(table.c.id.in_(bindparam("ids", expanding=True)))
        _SELECT_ROWS[model] = (one, many, keys)
    one, many, keys = _SELECT_ROWS[model]
    found: Iterable[Sequence]
    if len(ids) == 1:
        found = one.rows(session, {"id": ids[0]})
    else:
        found = session.connection().execute(many, {"ids": ids})
    return [StoredRow(model, dict(zip(keys, row, strict=True))) for row in found]


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
    return obj.model if isinstance(obj, PlainRow) else type(obj)


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
    if isinstance(obj, PlainRow):
        return {k: to_json_value(v) for k, v in obj.values.items() if k not in NOT_SENT}
    return row_to_dict(obj, exclude=NOT_SENT)


def log_row(
    session: Session,
    revisions: Revisions,
    obj: Synced,
    changed: list[str],
    device_id: str = "",
    origin_has_it: bool = False,
    team_id: str | None = None,
) -> int:
    """Stamp ``obj`` with a new revision and append its whole row to the log. ``team_id``: a staff
    row for another team's laptops than its own (a worker's old team, when they move)."""
    revision = revisions.next()
    obj.server_revision = revision
    session.add(
        ChangeLog(
            revision=revision,
            entity=obj.__tablename__,
            row_id=obj.id,
            family_id=family_of(obj),
            team_id=team_id or team_of(obj),
            fields=row_to_dict(obj, exclude=NOT_SENT),
            changed=sorted(changed),
            deleted=bool(obj.deleted),
            device_id=device_id,
            origin_has_it=origin_has_it,
        )
    )
    return revision


# Revisions for a whole batch in one statement, under the counter's row lock (held to the end of
# the transaction, as ``Revisions`` holds it).
_COUNTER = Counter.__table__
_RESERVE = Prebuilt(
    update(_COUNTER)
    .where(_COUNTER.c.name == "revision")
    .values(value=_COUNTER.c.value + bindparam("n"))
    .returning(_COUNTER.c.value)
)


class LogBuffer:
    """Change-log rows for a whole push batch, written at the end: the batch's revisions are taken
    then, in one statement, in the order the rows were added; rows the batch created
    (``NewRow``) are inserted with one COPY or executemany a table, rows it changed
    (``StoredRow``) updated with one executemany a table, ORM objects flushed once.

    ``add`` returns a ticket; ``revision(ticket)`` is the revision it got, once written."""

    def __init__(self) -> None:
        self._rows: list[tuple[Synced | PlainRow, list[str], str, bool]] = []
        self._new: list[NewRow] = []
        self._stored: dict[int, StoredRow] = {}
        self._base = 0
        self._written = 0

    def add_new(self, row: NewRow) -> None:
        self._new.append(row)

    def add(
        self, obj: Synced | PlainRow, changed: list[str], device_id: str = "", origin_has_it: bool = False
    ) -> int:
        self._rows.append((obj, sorted(changed), device_id, origin_has_it))
        if isinstance(obj, StoredRow):
            self._stored[id(obj)] = obj
        return len(self._rows)

    def revision(self, ticket: int) -> int:
        return self._base + ticket

    @property
    def newest(self) -> int | None:
        """The last revision written, or None when the batch logged nothing."""
        return self._base + self._written if self._written else None

    def write(self, session: Session) -> None:
        if self._rows:
            self._written = len(self._rows)
            self._base = _RESERVE.rows(session, {"n": self._written})[0][0] - self._written
            for ticket, (obj, *_rest) in enumerate(self._rows, start=1):
                obj.server_revision = self._base + ticket
        session.flush()  # ORM rows (conflicts, staff); fills their column defaults before they are copied
        by_table: dict[type, list[dict]] = {}
        for row in self._new:
            by_table.setdefault(row.model, []).append(row.values)
        for model, values in by_table.items():
            bulk_insert(session, model.__table__, values)
        _update_stored(session, list(self._stored.values()))
        if self._rows:
            now = datetime.now(UTC)
            bulk_insert(
                session,
                ChangeLog.__table__,
                [
                    {
                        "revision": self._base + ticket,
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
                    for ticket, (obj, changed, device_id, origin_has_it) in enumerate(self._rows, start=1)
                ],
            )
        self._rows.clear()
        self._new.clear()
        self._stored.clear()


def _update_stored(session: Session, rows: list[StoredRow]) -> None:
    """Write the columns set on each row, with ``updated_at`` as the ORM's flush would: one
    executemany per table and set of columns."""
    now = utcnow()
    groups: dict[tuple[type, frozenset[str]], list[dict]] = {}
    for row in rows:
        row.values["updated_at"] = now
        names = frozenset(row.changed | {"updated_at"})
        params = {name: row.values[name] for name in names}
        params["row_id_"] = row.id
        groups.setdefault((row.model, names), []).append(params)
    for key, params in groups.items():
        statement = _UPDATES.get(key)
        if statement is None:
            model, names = key
            table = model.__table__
            statement = Prebuilt(
                update(table)
                .where(table.c.id == bindparam("row_id_"))
                .values({table.c[name]: bindparam(name) for name in sorted(names)})
            )
            if len(_UPDATES) < 1000:  # bounded: the columns a push sets are the laptop's choice
                _UPDATES[key] = statement
        if len(params) == 1:  # the usual small push: on the driver
            statement.rows(session, params[0])
        else:
            session.connection().execute(statement.statement, params)


# Built once per table and set of columns (a push sets the same few fields again and again).
_UPDATES: dict[tuple[type, frozenset[str]], Prebuilt] = {}
_INSERT_ONE: dict[str, Prebuilt] = {}


def bulk_insert(session: Session, table: Table, rows: list[dict]) -> None:
    """Insert many rows, each carrying a value for every column: with COPY on PostgreSQL (a
    statement a row costs the server twice as much), one executemany elsewhere."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(table), rows)
        return
    dbapi = connection.dialect.dbapi
    if len(rows) == 1:  # the usual small push: one INSERT on the driver, one round trip (COPY takes two)
        one = _INSERT_ONE.get(table.name)
        if one is None:
            one = _INSERT_ONE[table.name] = Prebuilt(
                insert(table).inline().values({c: bindparam(c.key) for c in table.columns})
            )
        try:
            one.rows(session, rows[0])
        except dbapi.IntegrityError as exc:  # as SQLAlchemy would report it
            raise IntegrityError(str(one.statement), None, exc) from None
        except dbapi.DataError as exc:
            raise DataError(str(one.statement), None, exc) from None
        return
    columns = list(table.columns)
    as_json = [isinstance(c.type, JSON) for c in columns]
    names = ", ".join(f'"{c.name}"' for c in columns)
    keys = [c.key for c in columns]
    statement = f'COPY "{table.name}" ({names}) FROM STDIN'
    try:
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(
                    [
                        _json_text(row[key]) if is_json else row[key]
                        for key, is_json in zip(keys, as_json, strict=True)
                    ]
                )
    except dbapi.IntegrityError as exc:  # as SQLAlchemy would report it from an INSERT
        raise IntegrityError(statement, None, exc) from None
    except dbapi.DataError as exc:
        raise DataError(statement, None, exc) from None


def _json_text(value) -> str:
    """A JSON column's value for COPY: by orjson, compactly (``json.dumps`` for each row's
    fields and its change-log copy was a tenth of a first push on the server); what orjson cannot
    write (an integer beyond 64 bits, a lone surrogate) by ``json.dumps`` as before. Values here
    have passed ``check_json_value`` (no NaN, text keys), which both write alike."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)
