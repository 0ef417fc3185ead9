"""Pages of the change log after a laptop's cursor, within the worker's scope (DESIGN.md §4).

A page ends at a revision the laptop saves as its new cursor once the page is applied, so a pull
cut off anywhere resumes where it stopped. Families that left the worker's scope in that window
(moved to another team) are listed for the laptop to purge.

Most pulls find nothing new: a laptop at the newest revision is answered after one query (the
counter, and whether any family moved since the cursor), and the statements are built once (per
scope kind), not per request. Families move rarely: a pull after a window with no move asks
nothing about moves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, bindparam, exists, false, func, or_, select
from sqlalchemy.orm import Session

from ehdesk.models import Family
from ehdesk.server.db import Prebuilt
from ehdesk.server.models import ChangeLog, Counter, Device, ScopeMove, ServerAudit
from ehdesk.server.scope import (
    PUSH_ONLY_ENTITIES,
    SCOPE_KINDS,
    Principal,
    log_scope_param,
    scope_kind,
    scope_params,
)
from ehdesk.sync.protocol import MAX_ARRIVALS, BlobRef, Change, PullRequest, PullResponse


def _for_laptop(scope: str):
    """Log rows in (after, upto] this laptop receives: its scope's, not pushed by it as it holds them."""
    return (
        ChangeLog.revision > bindparam("after"),
        ChangeLog.revision <= bindparam("upto"),
        ChangeLog.entity.not_in(PUSH_ONLY_ENTITIES),
        ~((ChangeLog.device_id == bindparam("device_id")) & ChangeLog.origin_has_it),
        log_scope_param(scope),
    )


_LOG = ChangeLog.__table__
_COUNTER = Counter.__table__
_MOVES = ScopeMove.__table__
# The newest revision, and whether any family moved after the laptop's cursor up to it: one round
# trip, one snapshot (a move commits with the counter it took its revision from).
_HEAD_AND_MOVED = Prebuilt(
    select(
        _COUNTER.c.value,
        exists().where(_MOVES.c.revision > bindparam("after"), _MOVES.c.revision <= _COUNTER.c.value),
    ).where(_COUNTER.c.name == "revision")
)
# Statements keyed by the kind of scope (``scope_kind``). Those with no list of teams to expand
# (an admin, or a worker of one team, the usual case) run on the driver (``Prebuilt``).
# Plain rows, not ORM objects: a page is read once and serialised, never changed.
_PAGE = {
    scope: select(
        _LOG.c.revision, _LOG.c.entity, _LOG.c.row_id, _LOG.c.family_id, _LOG.c.fields, _LOG.c.deleted
    )
    .where(*_for_laptop(scope))
    .order_by(_LOG.c.revision)
    .limit(bindparam("limit"))
    for scope in SCOPE_KINDS
}
# Families moved in (after, upto]: most pulls after a push find none.
_MOVED = Prebuilt(
    select(ScopeMove.family_id)
    .where(ScopeMove.revision > bindparam("after"), ScopeMove.revision <= bindparam("upto"))
    .distinct()
)
# Anything for the laptop in (after, upto]: a family moved, or a log row it receives. One round trip.
_ANYTHING = {
    scope: select(
        exists().where(ScopeMove.revision > bindparam("after"), ScopeMove.revision <= bindparam("upto"))
        | exists().where(*_for_laptop(scope))
    )
    for scope in SCOPE_KINDS
}
_PREBUILT_PAGE = {scope: Prebuilt(_PAGE[scope]) for scope in SCOPE_KINDS if scope != "teams"}
_PREBUILT_ANYTHING = {scope: Prebuilt(_ANYTHING[scope]) for scope in SCOPE_KINDS if scope != "teams"}


def _params(principal: Principal, after: int, upto: int) -> dict:
    return {"after": after, "upto": upto, "device_id": principal.device_id, **scope_params(principal)}


def pull_page(session: Session, principal: Principal, request: PullRequest) -> PullResponse:
    found = _HEAD_AND_MOVED.rows(session, {"after": request.cursor})
    newest, moved = (found[0][0] or 0, bool(found[0][1])) if found else (0, False)
    if principal.wipe_pending:
        device = session.get(Device, principal.device_id)
        if device is not None and device.wipe:
            if device.wipe_delivered_at is None:
                session.add(
                    ServerAudit(user_id=principal.user_id, device_id=device.id, action="wipe_delivered")
                )
            device.wipe_delivered_at = datetime.now(UTC)
            return PullResponse(changes=[], cursor=request.cursor, has_more=False, head=newest, wipe=True)
    if request.cursor > newest:
        # The laptop has seen revisions this database never had (restored from a backup): it starts
        # again from nothing - a schema-2 laptop replays the log, a schema-3 one takes a snapshot.
        return PullResponse(changes=[], cursor=0, has_more=True, head=newest)
    if request.cursor == newest:
        # Nothing happened since: no log row, no family moved (moves take a revision too).
        return PullResponse(changes=[], cursor=newest, has_more=False, head=newest)
    if request.snapshot_arrivals and moved:
        arrived = _arrived(session, principal, request.cursor, newest, request.held_families)
        if arrived:
            # The laptop takes them as a snapshot at ``newest``, then asks again holding them.
            return PullResponse(
                changes=[], cursor=request.cursor, has_more=True, head=newest, arrived_families=arrived
            )
    scope = scope_kind(principal)
    params = {**_params(principal, request.cursor, newest), "limit": request.limit + 1}
    rows: Sequence[Sequence]
    if request.held_families:
        page = _PAGE[scope].where(~_held(request.held_families))
        rows = session.connection().execute(page, params).all()
    elif scope in _PREBUILT_PAGE:
        rows = _PREBUILT_PAGE[scope].rows(session, params)
    else:
        rows = session.connection().execute(_PAGE[scope], params).all()
    has_more = len(rows) > request.limit
    rows = rows[: request.limit]
    cursor = rows[-1][0] if has_more else max(newest, request.cursor)
    changes, blobs = [], []
    for revision, entity, row_id, family_id, fields, deleted in rows:
        if entity == "blob":
            blobs.append(BlobRef(sha256=row_id, media_type=fields.get("media_type", ""), family_id=family_id))
        else:
            # Built without re-validating: the rows come from the server's own log.
            changes.append(
                Change.model_construct(
                    revision=revision,
                    entity=entity,
                    row_id=row_id,
                    family_id=family_id,
                    fields=fields,
                    deleted=deleted,
                )
            )
    return PullResponse(
        changes=changes,
        remove_families=_left_scope(session, principal, request.cursor, cursor) if moved else [],
        blobs=blobs,
        cursor=cursor,
        has_more=has_more,
        head=newest,
    )


def needs_pull(session: Session, principal: Principal, after: int, upto: int) -> bool:
    """Is there anything in (after, upto] this laptop would receive?"""
    if principal.wipe_pending:
        return True
    if upto <= after:
        return False
    scope = scope_kind(principal)
    params = _params(principal, after, upto)
    if scope in _PREBUILT_ANYTHING:
        return bool(_PREBUILT_ANYTHING[scope].rows(session, params)[0][0])
    return bool(session.connection().execute(_ANYTHING[scope], params).scalar())


def _left_scope(session: Session, principal: Principal, after: int, upto: int) -> list[str]:
    if principal.is_admin:
        return []
    gone = []
    for (family_id,) in _MOVED.rows(session, {"after": after, "upto": upto}):
        family = session.get(Family, family_id)
        if family is None or not principal.team_in_scope(family.team_id):
            gone.append(family_id)
    return sorted(gone)


def _arrived(
    session: Session, principal: Principal, after: int, upto: int, held: dict[str, int]
) -> list[str]:
    """Families moved into this worker's scope in (after, upto] from a team outside it, that the
    laptop does not already hold from a snapshot taken since."""
    if principal.is_admin:
        return []  # every family is in an administrator's scope already
    moves = session.execute(
        select(ScopeMove.family_id, ScopeMove.from_team, ScopeMove.revision).where(
            ScopeMove.revision > after, ScopeMove.revision <= upto
        )
    ).all()
    candidates = {
        family_id
        for family_id, from_team, revision in moves
        if not principal.team_in_scope(from_team) and held.get(family_id, -1) < revision
    }
    if not candidates:
        return []
    teams = dict(
        session.execute(select(Family.id, Family.team_id).where(Family.id.in_(sorted(candidates)))).all()
    )
    return sorted(f for f in candidates if principal.team_in_scope(teams.get(f)))[:MAX_ARRIVALS]


def _held(held: dict[str, int]) -> ColumnElement[bool]:
    """Log rows of families the laptop holds from a snapshot, up to the revision it was taken at."""
    if not held:
        return false()
    by_revision: dict[int, list[str]] = {}
    for family_id, revision in held.items():
        by_revision.setdefault(revision, []).append(family_id)
    family = func.coalesce(ChangeLog.family_id, "")
    return or_(
        *(
            and_(family.in_(sorted(ids)), ChangeLog.revision <= revision)
            for revision, ids in by_revision.items()
        )
    )
