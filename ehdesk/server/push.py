"""Applying a pushed batch: in order, exactly once, field by field (DESIGN.md §4).

The whole batch is one transaction, and the device's last applied sequence number is written in
that same transaction, so a batch interrupted anywhere (connection cut, server killed) is either
wholly applied and remembered or not applied at all; a resent batch is acknowledged, not re-applied.

Merging: each field a mutation sets is compared with what other devices changed on the row since
the revision the laptop based its change on. A field only this laptop changed is applied; a field
both changed differently becomes a ``SyncConflict`` holding both values (the server's value stays
on the row until a person chooses). A deletion always wins. Nothing is dropped: a mutation the
worker may not make is kept aside in the quarantine and audited."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from ehdesk.models import AuditEvent, Family, FamilyScoped, SyncConflict, Synced, model_for_table
from ehdesk.models.types import new_id
from ehdesk.models.wire import dict_to_columns, to_json_value
from ehdesk.server.changelog import LogBuffer, Revisions, family_of, head
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
class _Batch:
    session: Session
    principal: Principal
    revisions: Revisions
    log: LogBuffer
    new_family_teams: dict[str, str | None]
    # (table, row id) -> the row, loaded once for the whole batch; rows inserted by it are added.
    rows: dict[tuple[str, str], object]
    existed: set[tuple[str, str]]

    def family(self, family_id: str) -> Family | None:
        key = ("family", family_id)
        if key not in self.rows:
            self.rows[key] = self.session.get(Family, family_id)
            if self.rows[key] is not None:
                self.existed.add(key)
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
    device = session.get(Device, principal.device_id, with_for_update=True)
    revisions = Revisions(session)
    batch = _Batch(
        session,
        principal,
        revisions,
        LogBuffer(revisions),
        {m.row_id: m.fields.get("team_id") for m in request.mutations if m.entity == "family"},
        {},
        set(),
    )
    # No autoflush: new rows are written once, at the end, with their change-log rows.
    with session.no_autoflush:
        fresh = [m for m in request.mutations if m.seq > device.last_seq]
        _preload(batch, fresh)
        results = []
        for m in request.mutations:
            if m.seq <= device.last_seq:
                results.append(MutationResult(seq=m.seq, status="duplicate"))
                continue
            try:
                conflicts, revision = _apply(batch, m)
            except Refused as refused:
                _quarantine(session, principal, m, refused)
                results.append(MutationResult(seq=m.seq, status="refused"))
            else:
                status = "conflict" if conflicts else "applied"
                results.append(
                    MutationResult(seq=m.seq, status=status, conflicts=conflicts, revision=revision)
                )
            device.last_seq = m.seq
    try:
        batch.log.write(session)
    except (IntegrityError, DataError):
        raise BadPush("A new record in the batch is missing required values or has a wrong one.") from None
    newest = batch.revisions._counter.value if batch.revisions._counter else head(session)
    pull_needed = request.cursor is None or needs_pull(session, principal, request.cursor, newest)
    return PushResponse(last_seq=device.last_seq, results=results, revision=newest, pull_needed=pull_needed)


def _preload(batch: _Batch, mutations: list[Mutation]) -> None:
    """Fetch every row the batch touches, and the families they belong to, in a few queries."""
    wanted: dict[str, set[str]] = {}
    for m in mutations:
        wanted.setdefault(m.entity, set()).add(m.row_id)
        family_id = m.fields.get("family_id")
        if isinstance(family_id, str):
            wanted.setdefault("family", set()).add(family_id)
    for entity, ids in wanted.items():
        model = _model(entity)
        ids = sorted(ids)
        for start in range(0, len(ids), 500):
            for obj in batch.session.scalars(select(model).where(model.id.in_(ids[start : start + 500]))):
                batch.rows[(entity, obj.id)] = obj
                batch.existed.add((entity, obj.id))
        for row_id in ids:
            batch.rows.setdefault((entity, row_id), None)
    for (entity, _), obj in list(batch.rows.items()):
        if obj is not None and entity != "family" and getattr(obj, "family_id", None):
            batch.family(obj.family_id)


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
        return dict_to_columns(model, cleaned)
    except (TypeError, ValueError, AttributeError):
        raise BadPush("A change in the batch has a value of the wrong kind.") from None


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
        if obj is not None:
            raise Refused("Audit events are never changed.")
        family_id = values.get("family_id")
        if family_id and not _family_ok(batch, family_id):
            raise Refused("The audit event is about a family of another team.", family_id)
        return family_id
    if issubclass(model, FamilyScoped):
        family_ids = {values.get("family_id")} if obj is None else {obj.family_id, values.get("family_id")}
        family_ids.discard(None)
        if not family_ids:
            raise BadPush("A change to a family's record does not say which family.")
        for family_id in family_ids:
            if not _family_ok(batch, family_id):
                raise Refused("The record belongs to a family of another team.", family_id)
        return obj.family_id if obj is not None else values["family_id"]
    raise Refused("The server does not accept changes to this table.")


def _family_ok(batch: _Batch, family_id: str) -> bool:
    family = batch.family(family_id)
    if family is not None:
        return batch.principal.team_in_scope(family.team_id)
    if family_id in batch.new_family_teams:
        team = batch.new_family_teams[family_id] or batch.principal.home_team
        return batch.principal.team_in_scope(team)
    return False


def _apply(batch: _Batch, m: Mutation) -> tuple[int, int]:
    """Returns (conflicts made, the row's revision if the laptop already holds exactly it)."""
    session = batch.session
    model = _model(m.entity)
    values = _decode(model, m.fields)
    as_sent = dict(values)
    key = (m.entity, m.row_id)
    obj = batch.rows.get(key) if key in batch.rows else session.get(model, m.row_id)
    _authorise(batch, model, m, obj, values)
    device_id = batch.principal.device_id
    if obj is None:
        if m.op != "insert":
            raise Refused("The change is to a record the server does not have.")
        obj = model(id=m.row_id, **values)
        session.add(obj)
        batch.rows[key] = obj
        clean = values == as_sent
        revision = batch.log.add(obj, list(values), device_id, origin_has_it=clean)
        return 0, revision if clean else 0

    if key in batch.existed:
        touched_by_others, others_since = _changed_since(
            session, m.entity, m.row_id, m.base_revision, device_id
        )
    else:  # born in this very batch, from this device
        touched_by_others, others_since = set(), False
    changed, conflicts = [], []
    for key, value in values.items():
        current = getattr(obj, key)
        if current == value:
            continue
        if key == "deleted" or m.op == "delete" or key not in touched_by_others:
            setattr(obj, key, value)
            changed.append(key)
        else:
            conflicts.append((key, current))
    if not changed and not conflicts:
        return 0, 0
    # Logged even when every field conflicted: the laptop then receives the server's value.
    # Only when nobody else touched the row since the laptop's base does the laptop hold it all.
    clean = not conflicts and not others_since and values == as_sent
    revision = batch.log.add(obj, changed, device_id, origin_has_it=clean)
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
            client_value=m.fields.get(key),
            client_device_id=device_id,
            client_actor=batch.principal.username,
            status="open",
            client_changed_at=m.changed_at,
        )
        session.add(conflict)
        batch.log.add(conflict, ["status"], "")
    return len(conflicts), revision if clean else 0


def _changed_since(
    session: Session, entity: str, row_id: str, base: int, device_id: str
) -> tuple[set[str], bool]:
    """Fields other devices (or the server) changed on the row after ``base``; and whether any
    other log entry for the row exists after ``base`` at all."""
    rows = session.scalars(
        select(ChangeLog.changed).where(
            ChangeLog.entity == entity,
            ChangeLog.row_id == row_id,
            ChangeLog.revision > base,
            ChangeLog.device_id != device_id,
        )
    )
    touched: set[str] = set()
    seen = False
    for names in rows:
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
