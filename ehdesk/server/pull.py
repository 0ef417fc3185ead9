"""Pages of the change log after a laptop's cursor, within the worker's scope (DESIGN.md §4).

A page ends at a revision the laptop saves as its new cursor once the page is applied, so a pull
cut off anywhere resumes where it stopped. Families that left the worker's scope in that window
(moved to another team) are listed for the laptop to purge.

Most pulls find nothing new: a laptop at the newest revision is answered after one query (the
counter), and the statements are built once (per scope kind), not per request."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import Session

from ehdesk.models import Family
from ehdesk.server.models import ChangeLog, Counter, Device, ScopeMove, ServerAudit
from ehdesk.server.scope import PUSH_ONLY_ENTITIES, Principal, log_scope_param, scope_params
from ehdesk.sync.protocol import BlobRef, Change, PullRequest, PullResponse

_HEAD = select(Counter.value).where(Counter.name == "revision")


def _for_laptop(admin: bool):
    """Log rows in (after, upto] this laptop receives: its scope's, not pushed by it as it holds them."""
    return (
        ChangeLog.revision > bindparam("after"),
        ChangeLog.revision <= bindparam("upto"),
        ChangeLog.entity.not_in(PUSH_ONLY_ENTITIES),
        ~((ChangeLog.device_id == bindparam("device_id")) & ChangeLog.origin_has_it),
        log_scope_param(admin),
    )


# Keyed by "is the worker an admin" (an admin's scope is every family).
_PAGE = {
    admin: select(ChangeLog).where(*_for_laptop(admin)).order_by(ChangeLog.revision).limit(bindparam("limit"))
    for admin in (False, True)
}
# Anything for the laptop in (after, upto]: a family moved, or a log row it receives. One round trip.
_ANYTHING = {
    admin: select(
        exists().where(ScopeMove.revision > bindparam("after"), ScopeMove.revision <= bindparam("upto"))
        | exists().where(*_for_laptop(admin))
    )
    for admin in (False, True)
}


def _params(principal: Principal, after: int, upto: int) -> dict:
    return {"after": after, "upto": upto, "device_id": principal.device_id, **scope_params(principal)}


def pull_page(session: Session, principal: Principal, request: PullRequest) -> PullResponse:
    newest = session.execute(_HEAD).scalar() or 0
    if principal.wipe_pending:
        device = session.get(Device, principal.device_id)
        if device is not None and device.wipe:
            if device.wipe_delivered_at is None:
                session.add(ServerAudit(user_id=principal.user_id, device_id=device.id, action="wipe_delivered"))
            device.wipe_delivered_at = datetime.now(UTC)
            return PullResponse(changes=[], cursor=request.cursor, has_more=False, head=newest, wipe=True)
    if request.cursor > newest:
        # The laptop has seen revisions this database never had (restored from a backup): it starts
        # again from nothing - a schema-2 laptop replays the log, a schema-3 one takes a snapshot.
        return PullResponse(changes=[], cursor=0, has_more=True, head=newest)
    if request.cursor == newest:
        # Nothing happened since: no log row, no family moved (moves take a revision too).
        return PullResponse(changes=[], cursor=newest, has_more=False, head=newest)
    rows = list(
        session.scalars(
            _PAGE[principal.is_admin],
            {**_params(principal, request.cursor, newest), "limit": request.limit + 1},
        )
    )
    has_more = len(rows) > request.limit
    rows = rows[: request.limit]
    cursor = rows[-1].revision if has_more else max(newest, request.cursor)
    changes, blobs = [], []
    for row in rows:
        if row.entity == "blob":
            blobs.append(
                BlobRef(
                    sha256=row.row_id, media_type=row.fields.get("media_type", ""), family_id=row.family_id
                )
            )
        else:
            # Built without re-validating: the rows come from the server's own log.
            changes.append(
                Change.model_construct(
                    revision=row.revision,
                    entity=row.entity,
                    row_id=row.row_id,
                    family_id=row.family_id,
                    fields=row.fields,
                    deleted=row.deleted,
                )
            )
    return PullResponse(
        changes=changes,
        remove_families=_left_scope(session, principal, request.cursor, cursor),
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
    return bool(session.execute(_ANYTHING[principal.is_admin], _params(principal, after, upto)).scalar())


def _left_scope(session: Session, principal: Principal, after: int, upto: int) -> list[str]:
    if principal.is_admin:
        return []
    moved = session.scalars(
        select(ScopeMove.family_id).where(ScopeMove.revision > after, ScopeMove.revision <= upto).distinct()
    )
    gone = []
    for family_id in moved:
        family = session.get(Family, family_id)
        if family is None or not principal.team_in_scope(family.team_id):
            gone.append(family_id)
    return sorted(gone)
