"""Applying a pushed batch: in order, exactly once, field by field (DESIGN.md §4).

The whole batch is one transaction, and the device's last applied sequence number is written in
that same transaction, so a batch interrupted anywhere (connection cut, server killed) is either
wholly applied and remembered or not applied at all; a resent batch is acknowledged, not re-applied.

Merging: each field a mutation sets is compared with what other devices changed on the row since
the revision the laptop based its change on. A field only this laptop changed is applied; a field
both changed differently becomes a ``SyncConflict`` holding both values (the server's value stays
on the row until a person chooses). A deletion against another laptop's edit (or an edit against
another laptop's deletion) is a conflict too, on the ``deleted`` field: "deleted on one laptop,
edited on another", for a person to resolve. Nothing is dropped: a mutation the worker may not
make is kept aside in the quarantine and audited, and so is every change of the same batch to a
family whose own record was refused (no orphans). A manager's decision (``casework/manager_acts``:
a supervision, an override, an extension…) is one such change from anyone but a manager or an
admin, whatever the laptop says of itself.

The server is the witness of audit events: who, from which device and when it received them come
from the authenticated request, never from the laptop; the laptop's own time is kept as
``recorded_at``, and each device's hash chain is checked as its events arrive (docs/audit.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial

from sqlalchemy import bindparam, literal_column, select, union_all, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from ehdesk.casework.manager_acts import manager_act
from ehdesk.casework.record_checks import MANAGER_ROLES
from ehdesk.models import AuditEvent, Family, FamilyScoped, SyncConflict, Synced, model_for_table
from ehdesk.models.audit import chain_link
from ehdesk.models.types import new_id
from ehdesk.models.wire import WireTypeError, check_json_value, dict_to_columns, to_json_value
from ehdesk.server.auth_cache import WATCHED
from ehdesk.server.changelog import LogBuffer, NewRow, family_of, head, load_rows
from ehdesk.server.db import Prebuilt, driver_cursor
from ehdesk.server.models import ChangeLog, Device, Quarantine, ServerAudit
from ehdesk.server.pull import needs_pull
from ehdesk.server.scope import Principal
from ehdesk.sync.protocol import Mutation, MutationResult, PushRequest, PushResponse

# Never taken from a laptop: the server owns them.
PROTECTED = frozenset({"id", "server_revision", "created_at", "updated_at"})
LOCAL_ONLY = frozenset({"outbox", "sync_state"})


class BadPush(Exception):
    """The batch is malformed: nothing of it is applied."""


class Refused(Exception):
    def __init__(self, reason: str, family_id: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.family_id = family_id


@dataclass
class _DeviceHead:
    """What a push reads and moves on the device's row (locked for the whole batch): its last
    applied sequence number and the head of its audit hash chain."""

    id: str
    last_seq: int
    audit_seq: int
    audit_hash: str


_DEVICE = Device.__table__
_LOCK_DEVICE = Prebuilt(
    select(_DEVICE.c.last_seq, _DEVICE.c.audit_seq, _DEVICE.c.audit_hash)
    .where(_DEVICE.c.id == bindparam("id"))
    .with_for_update()
)
_MOVE_DEVICE = Prebuilt(
    update(_DEVICE)
    .where(_DEVICE.c.id == bindparam("id_"))
    .values(
        last_seq=bindparam("last_seq"), audit_seq=bindparam("audit_seq"), audit_hash=bindparam("audit_hash")
    )
)


@dataclass
class _Batch:
    session: Session
    principal: Principal
    log: LogBuffer
    device: _DeviceHead
    # (table, row id) -> the row, loaded once for the whole batch; rows inserted by it are added.
    rows: dict[tuple[str, str], object]
    existed: set[tuple[str, str]]
    # Families whose own change was refused in this batch: their records are refused with them.
    refused_families: set[str] = field(default_factory=set)
    # (table, row id) of the rows whose change was refused in this batch.
    refused_rows: set[tuple[str, str]] = field(default_factory=set)
    # (table, row id) -> [(revision, fields changed)] by other devices, for rows the batch finds on
    # the server: read for the whole batch at once, filtered by each change's base revision.
    others: dict[tuple[str, str], list[tuple[int, list[str]]]] = field(default_factory=dict)
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def family(self, family_id: str):
        key = ("family", family_id)
        if key not in self.rows:
            _load(self, {"family": [family_id]})
            self.rows.setdefault(key, None)
        return self.rows[key]


def apply_push(session: Session, principal: Principal, request: PushRequest) -> PushResponse:
    if request.device_id != principal.device_id:
        raise BadPush("The batch names another device.")
    previous = 0
    for m in request.mutations:
        if m.device_id != principal.device_id:
            raise BadPush("A change in the batch names another device.")
        if m.seq <= previous:
            raise BadPush("The changes in the batch are out of order.")
        previous = m.seq
    [(last_seq, audit_seq, audit_hash)] = _LOCK_DEVICE.rows(session, {"id": principal.device_id})
    device = _DeviceHead(principal.device_id, last_seq, audit_seq, audit_hash)
    batch = _Batch(session, principal, LogBuffer(), device, {}, set())
    # No autoflush: new rows are written once, at the end, with their change-log rows.
    with session.no_autoflush:
        fresh = [m for m in request.mutations if m.seq > device.last_seq]
        _preload(batch, fresh)
        # seq -> (status, conflicts made, the log ticket of the row's revision if the laptop holds it)
        by_seq: dict[int, tuple[str, int, int]] = {}
        # Families first (each row's own changes keep their order): a family refused here refuses
        # its members, plans and notes of the same batch, wherever they stand in it.
        ordered = [m for m in fresh if m.entity == "family"] + [m for m in fresh if m.entity != "family"]
        for m in ordered:
            try:
                if principal.wipe_pending:
                    raise Refused("The laptop was reported lost: its changes are kept aside, not applied.")
                conflicts, ticket = _apply(batch, m)
            except Refused as refused:
                if m.entity == "family":
                    batch.refused_families.add(m.row_id)
                batch.refused_rows.add((m.entity, m.row_id))
                _quarantine(session, principal, m, refused)
                by_seq[m.seq] = ("refused", 0, 0)
            else:
                by_seq[m.seq] = ("conflict" if conflicts else "applied", conflicts, ticket)
        if fresh:
            device.last_seq = fresh[-1].seq
    try:
        batch.log.write(session)
    except (IntegrityError, DataError):
        raise BadPush("A new record in the batch is missing required values or has a wrong one.") from None
    if (device.last_seq, device.audit_seq, device.audit_hash) != (last_seq, audit_seq, audit_hash):
        _MOVE_DEVICE.rows(
            session,
            {
                "id_": device.id,
                "last_seq": device.last_seq,
                "audit_seq": device.audit_seq,
                "audit_hash": device.audit_hash,
            },
        )
    results = []
    for m in request.mutations:
        status, conflicts, ticket = by_seq.get(m.seq, ("duplicate", 0, 0))
        revision = batch.log.revision(ticket) if ticket else 0
        results.append(MutationResult(seq=m.seq, status=status, conflicts=conflicts, revision=revision))
    newest = batch.log.newest or head(session)
    if request.cursor is None:
        pull_needed = True
    elif _only_its_own(batch, by_seq, request.cursor) and not principal.wipe_pending:
        pull_needed = False
    else:
        pull_needed = needs_pull(session, principal, request.cursor, newest)
    return PushResponse(last_seq=device.last_seq, results=results, revision=newest, pull_needed=pull_needed)


def _only_its_own(batch: _Batch, by_seq: dict[int, tuple[str, int, int]], cursor: int) -> bool:
    """Is everything after ``cursor`` this batch's own log rows, each already held by the laptop as
    written? Then the laptop has nothing to pull, known without a query (the usual small push of
    a laptop that was up to date). The batch's revisions follow each other under the counter's
    lock, so nothing else lies between them."""
    newest = batch.log.newest
    if newest is None:
        return False
    first = batch.log.revision(1)
    held = {ticket for status, _, ticket in by_seq.values() if status == "applied" and ticket}
    return first - 1 <= cursor <= newest and len(held) == newest - first + 1


def _preload(batch: _Batch, mutations: list[Mutation]) -> None:
    """Fetch every row the batch touches, and the families they belong to, in a few queries: one
    to learn which of them the server has at all (most rows of a first push are new), then those
    rows, a query a table that has any."""
    wanted: dict[str, set[str]] = {}
    for m in mutations:
        wanted.setdefault(m.entity, set()).add(m.row_id)
        family_id = m.fields.get("family_id")
        if isinstance(family_id, str):
            wanted.setdefault("family", set()).add(family_id)
    found: dict[str, list[str]] = {}
    if len(wanted) == 1:  # the usual small push: its rows are read at once, whether there or not
        found = {entity: sorted(ids) for entity, ids in wanted.items()}
    else:
        for entity, row_id in _existing(batch.session, wanted):
            found.setdefault(entity, []).append(row_id)
    _load(batch, found)
    for entity, ids in wanted.items():
        for row_id in ids:
            batch.rows.setdefault((entity, row_id), None)
    families = {
        obj.family_id
        for (entity, _), obj in batch.rows.items()
        if obj is not None and entity != "family" and getattr(obj, "family_id", None)
    }
    _load(batch, {"family": sorted(f for f in families if ("family", f) not in batch.rows)})
    _preload_others(batch, mutations)


def _existing(session: Session, wanted: dict[str, set[str]]) -> list[tuple[str, str]]:
    """(table, id) of the wanted rows the server has, in one query."""
    if not wanted:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return _existing_pg(session, wanted)
    parts = []
    for entity, ids in sorted(wanted.items()):
        model = _model(entity)
        ids = sorted(ids)
        for start in range(0, len(ids), 1000):
            parts.append(
                # The table's name inline (it names a known model): a bound parameter in a UNION
                # has no type PostgreSQL can settle on.
                select(
                    literal_column(f"'{model.__tablename__}'").label("entity"),
                    model.__table__.c.id.label("id"),
                ).where(model.__table__.c.id.in_(ids[start : start + 1000]))
            )
    if not parts:
        return []
    return [tuple(row) for row in session.connection().execute(union_all(*parts))]


def _existing_pg(session: Session, wanted: dict[str, set[str]]) -> list[tuple[str, str]]:
    """``_existing`` on PostgreSQL: each table's ids as one array (``id = ANY(%s)``), so the
    statement is the same for every batch touching the same tables. Its ``IN`` lists, a new
    statement for SQLAlchemy to render and psycopg to convert at each batch, cost a tenth of the
    server's time in a first push."""
    entities = sorted(wanted)
    names = [_model(entity).__tablename__ for entity in entities]
    sql = _EXISTING_PG.get(tuple(names))
    if sql is None:
        # Table names from the known models only (``_model`` refuses any other), never the laptop's.
        sql = " UNION ALL ".join(f"SELECT '{name}', id FROM \"{name}\" WHERE id = ANY(%s)" for name in names)
        if len(_EXISTING_PG) < 1000:  # bounded: which tables a batch touches is the laptop's choice
            _EXISTING_PG[tuple(names)] = sql
    _, cursor = driver_cursor(session)
    cursor.execute(sql, [sorted(wanted[entity]) for entity in entities])
    return [tuple(row) for row in cursor.fetchall()]


_EXISTING_PG: dict[tuple[str, ...], str] = {}


def _load(batch: _Batch, found: dict[str, list[str]]) -> None:
    """Rows as plain values (``StoredRow``), written back by the batch's log; but rows whose change
    can change who may do what (staff accounts) as ORM objects, so the auth epoch moves with them
    (``auth_cache.watch``)."""
    for entity, ids in found.items():
        if not ids:
            continue
        model = _model(entity)
        for start in range(0, len(ids), 1000):
            chunk = ids[start : start + 1000]
            if model in WATCHED:
                rows = list(batch.session.scalars(select(model).where(model.id.in_(chunk))))
            else:
                rows = load_rows(batch.session, model, chunk)
            for obj in rows:
                batch.rows[(entity, obj.id)] = obj
                batch.existed.add((entity, obj.id))


def _preload_others(batch: _Batch, mutations: list[Mutation]) -> None:
    """What other devices changed on the rows the batch finds on the server, since the oldest base
    revision the batch names: one query for the whole batch, not one a row."""
    keys = {(m.entity, m.row_id) for m in mutations if (m.entity, m.row_id) in batch.existed}
    if not keys:
        return
    base = min(m.base_revision for m in mutations if (m.entity, m.row_id) in keys)
    entities = sorted({entity for entity, _ in keys})
    ids = sorted({row_id for _, row_id in keys})
    connection = batch.session.connection()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        params = {"base": base, "device_id": batch.principal.device_id}
        if len(entities) == 1 and len(chunk) == 1:  # one row (a small push): on the driver
            params.update(entity=entities[0], id=chunk[0])
            found = _OTHERS_ONE.rows(batch.session, params)
        else:
            params.update(entities=entities, ids=chunk)
            found = connection.execute(_OTHERS, params).all()
        for entity, row_id, revision, changed in found:
            if (entity, row_id) in keys:
                batch.others.setdefault((entity, row_id), []).append((revision, changed))


_LOG = ChangeLog.__table__
_OTHERS_SINCE = select(_LOG.c.entity, _LOG.c.row_id, _LOG.c.revision, _LOG.c.changed).where(
    _LOG.c.revision > bindparam("base"), _LOG.c.device_id != bindparam("device_id")
)
_OTHERS = _OTHERS_SINCE.where(
    _LOG.c.entity.in_(bindparam("entities", expanding=True)),
    _LOG.c.row_id.in_(bindparam("ids", expanding=True)),
)
_OTHERS_ONE = Prebuilt(
    _OTHERS_SINCE.where(_LOG.c.entity == bindparam("entity"), _LOG.c.row_id == bindparam("id"))
)


@lru_cache(maxsize=256)
def _model(entity: str) -> type:
    if entity in LOCAL_ONLY:
        raise BadPush(f"The table {entity} does not sync.")
    try:
        model = model_for_table(entity)
    except KeyError:
        raise BadPush(f"The server does not know the table {entity}.") from None
    if not issubclass(model, Synced):
        raise BadPush(f"The table {entity} does not sync.")
    return model


def _decode(model: type, fields: dict) -> dict:
    cleaned = {k: v for k, v in fields.items() if k not in PROTECTED}
    try:
        values = dict_to_columns(model, cleaned)
        # Keys this server does not know (or never takes) are ignored, but still never carry a NUL
        # into storage (a refused change is kept whole in the quarantine). The others were
        # checked as their columns' values just now.
        rest = {k: v for k, v in fields.items() if k not in values}
        if rest:
            check_json_value(f"{model.__tablename__} fields", rest)
        return values
    except WireTypeError as exc:
        raise BadPush(f"A change in the batch has a value of the wrong kind: {exc}") from None


def _authorise(batch: _Batch, model: type, m: Mutation, obj, values: dict) -> str | None:
    """Raise Refused unless the principal may make this change; return the row's family id."""
    p = batch.principal
    if model.__tablename__ in ("team", "user_account"):
        if not p.is_admin:
            raise Refused("Only an administrator changes teams and users.")
        return None
    if model is Family:
        if obj is None:
            team = values.get("team_id") or p.home_team
            if not p.team_in_scope(team):
                raise Refused("The family would belong to another team.", m.row_id)
            values["team_id"] = team
            return m.row_id
        if not p.team_in_scope(obj.team_id):
            raise Refused("The family belongs to another team.", obj.id)
        if "team_id" in values and values["team_id"] != obj.team_id:
            raise Refused("Families move between teams through the server's move-family command.", obj.id)
        return obj.id
    if model is AuditEvent:
        if obj is not None or m.op != "insert" or values.get("deleted"):
            raise Refused("Audit events are never changed or deleted.")
        family_id = values.get("family_id")
        if family_id and not _family_ok(batch, family_id):
            raise Refused("The audit event is about a family of another team.", family_id)
        return family_id
    if issubclass(model, FamilyScoped):
        if obj is None and m.op != "insert":
            # A later change to a record refused before (a manager's decision the worker may not
            # make, a family of another team): kept aside with it. Without a family id it would
            # refuse the whole batch, and the laptop could never send anything after it.
            raise Refused(_missing_record(batch, m), values.get("family_id"))
        family_ids = {values.get("family_id")} if obj is None else {obj.family_id, values.get("family_id")}
        family_ids.discard(None)
        if not family_ids:
            raise BadPush("A change to a family's record does not say which family.")
        for family_id in family_ids:
            if not _family_ok(batch, family_id):
                raise Refused("The record belongs to a family of another team.", family_id)
        family_id = obj.family_id if obj is not None else values["family_id"]
        if p.role not in MANAGER_ROLES:
            act = manager_act(
                model.__tablename__, m.op, values, None if obj is None else partial(getattr, obj)
            )
            if act is not None:
                raise Refused(f"Only a manager can {act}.", family_id)
        return family_id
    raise Refused("The server does not accept changes to this table.")


def _missing_record(batch: _Batch, m: Mutation) -> str:
    """Why a change to a record the server does not have is refused, in words the worker reads on
    the laptop too: most often the record itself was refused before (a manager's decision, a
    family of another team), in this batch or an earlier one from this laptop."""
    key = (m.entity, m.row_id)
    # The device's own quarantine, which holds only its refused changes (a few): not the server's
    # audit, which grows with every push.
    refused_before = key in batch.refused_rows or any(
        (kept.get("entity"), kept.get("row_id")) == key
        for kept in batch.session.scalars(
            select(Quarantine.mutation).where(Quarantine.device_id == batch.principal.device_id)
        )
    )
    if refused_before:
        return "The record it changes was refused before, so this change is kept aside with it."
    return "The change is to a record the server does not have."


def _family_ok(batch: _Batch, family_id: str) -> bool:
    """Is the family in scope: on the server already, or added by this batch (families are applied
    first) and not refused by it."""
    if family_id in batch.refused_families:
        return False
    family = batch.family(family_id)
    return family is not None and batch.principal.team_in_scope(family.team_id)


def _witness(batch: _Batch, m: Mutation, values: dict) -> None:
    """An audit event as the server saw it arrive: who and which device from the request, the
    receipt time in ``at``; the laptop's own time kept as ``recorded_at``. Then the device's
    hash chain is checked, and a break is audited (the event is still kept: it is evidence)."""
    laptop_time = values.get("recorded_at") or values.get("at")
    values["recorded_at"] = laptop_time
    values["at"] = batch.received_at
    values["actor"] = batch.principal.username
    values["device_id"] = batch.principal.device_id
    values["deleted"] = False
    seq = values.get("chain_seq") or 0
    if seq <= 0:
        return  # a version-2 laptop, or an event recorded before its upgrade: not chained
    device = batch.device
    problem = None
    if seq <= device.audit_seq:
        problem = "repeated or out of order"
    elif seq > device.audit_seq + 1:
        problem = "events missing before this one"
    elif chain_link(device.audit_hash, m.fields) != values.get("chain_hash"):
        problem = "altered (its hash does not follow from the event before)"
    if problem is not None:
        batch.session.add(
            ServerAudit(
                user_id=batch.principal.user_id,
                device_id=device.id,
                action="audit_chain_break",
                entity="audit_event",
                entity_id=m.row_id,
                family_id=values.get("family_id"),
                detail={"problem": problem, "expected_seq": device.audit_seq + 1, "got_seq": seq},
            )
        )
    if seq > device.audit_seq:
        device.audit_seq = seq
        device.audit_hash = values.get("chain_hash") or ""


def _apply(batch: _Batch, m: Mutation) -> tuple[int, int]:
    """Returns (conflicts made, the log ticket of the row's revision if the laptop already holds
    exactly it, else 0)."""
    session = batch.session
    model = _model(m.entity)
    values = _decode(model, m.fields)
    as_sent = dict(values)
    key = (m.entity, m.row_id)
    obj = batch.rows.get(key) if key in batch.rows else session.get(model, m.row_id)
    _authorise(batch, model, m, obj, values)
    if model is AuditEvent:
        _witness(batch, m, values)
    device_id = batch.principal.device_id
    if obj is None:
        if m.op != "insert":
            raise Refused("The change is to a record the server does not have.")
        obj = NewRow(model, m.row_id, values)
        batch.log.add_new(obj)
        batch.rows[key] = obj
        if model is AuditEvent:
            # Push-only: no laptop ever pulls an audit event, so it takes no change-log copy and
            # no revision (half a first push is audit events; their copies were a third of it).
            return 0, 0
        clean = values == as_sent
        ticket = batch.log.add(obj, list(values), device_id, origin_has_it=clean)
        return 0, ticket if clean else 0

    if key in batch.existed:
        touched_by_others, others_since = _changed_since(batch, key, m.base_revision)
    else:  # born in this very batch, from this device
        touched_by_others, others_since = set(), False
    changed, conflicts = [], []
    deleting = values.get("deleted") is True and not obj.deleted
    if deleting and touched_by_others - {"deleted"}:
        # Deleted here, edited on another laptop since: the row stays until a person chooses.
        values.pop("deleted")
        conflicts.append(("deleted", False))
    elif obj.deleted and "deleted" in touched_by_others and values.get("deleted") is not True:
        # Edited here, deleted on another laptop since: the edit lands on the tombstone, which
        # stays deleted until a person chooses (restoring it brings the edit back).
        values.pop("deleted", None)
        conflicts.append(("deleted", True))
    client_values = {"deleted": not obj.deleted} if conflicts else {}
    for key, value in values.items():
        current = getattr(obj, key)
        if current == value:
            continue
        if key not in touched_by_others:
            setattr(obj, key, value)
            changed.append(key)
        else:
            conflicts.append((key, current))
    if not changed and not conflicts:
        return 0, 0
    # Logged even when every field conflicted: the laptop then receives the server's value.
    # Only when nobody else touched the row since the laptop's base does the laptop hold it all.
    clean = not conflicts and not others_since and values == as_sent
    ticket = batch.log.add(obj, changed, device_id, origin_has_it=clean)
    family_id = family_of(obj) or ""
    for key, server_value in conflicts:
        conflict = SyncConflict(
            id=new_id(),
            deleted=False,
            family_id=family_id,
            entity=m.entity,
            row_id=m.row_id,
            field=key,
            base_revision=m.base_revision,
            server_value=to_json_value(server_value),
            client_value=client_values[key] if key in client_values else m.fields.get(key),
            client_device_id=device_id,
            client_actor=batch.principal.username,
            status="open",
            client_changed_at=m.changed_at,
        )
        session.add(conflict)
        batch.log.add(conflict, ["status"], "")
    return len(conflicts), ticket if clean else 0


def _changed_since(batch: _Batch, key: tuple[str, str], base: int) -> tuple[set[str], bool]:
    """Fields other devices (or the server) changed on the row after ``base``; and whether any
    other log entry for the row exists after ``base`` at all."""
    touched: set[str] = set()
    seen = False
    for revision, names in batch.others.get(key, ()):
        if revision > base:
            seen = True
            touched.update(names)
    return touched, seen


def _quarantine(session: Session, principal: Principal, m: Mutation, refused: Refused) -> None:
    session.add(
        Quarantine(
            device_id=principal.device_id,
            user_id=principal.user_id,
            seq=m.seq,
            mutation=m.model_dump(),
            reason=refused.reason,
        )
    )
    session.add(
        ServerAudit(
            user_id=principal.user_id,
            device_id=principal.device_id,
            action="refused_write",
            entity=m.entity,
            entity_id=m.row_id,
            family_id=refused.family_id,
            detail={"seq": m.seq, "reason": refused.reason},
        )
    )
