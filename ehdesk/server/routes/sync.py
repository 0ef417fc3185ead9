"""Push and pull: the laptop's outbox in, the team's changes out."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Response
from sqlalchemy import insert

from ehdesk.server import ops_metrics
from ehdesk.server.deps import CurrentPrincipal, DbSession, check_version
from ehdesk.server.models import ServerAudit
from ehdesk.server.openapi import AUTHENTICATED
from ehdesk.server.pull import pull_page
from ehdesk.server.push import BadPush, apply_push
from ehdesk.sync import protocol as p

router = APIRouter()
_AUDIT_PUSH = insert(ServerAudit.__table__)


@router.post("/v1/sync/push", response_model=p.PushResponse, responses=AUTHENTICATED)
def push(body: p.PushRequest, s: DbSession, principal: CurrentPrincipal) -> Response:
    check_version(body.schema_version)
    try:
        result = apply_push(s, principal, body)
    except BadPush as exc:
        raise HTTPException(422, str(exc)) from None
    # The sync itself is audited: how many changes, never what they said.
    counts: dict[str, int] = {}
    for r in result.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    # One prebuilt Core INSERT, not an ORM object: a unit-of-work flush at commit costs more than
    # the insert.
    s.connection().execute(
        _AUDIT_PUSH,
        {
            "user_id": principal.user_id,
            "device_id": principal.device_id,
            "action": "sync_push",
            "detail": {"last_seq": result.last_seq, **counts},
        },
    )
    ops_metrics.count_push(s, counts)
    # Serialised directly: the reply is the server's own model, it needs no validating again.
    return Response(content=result.model_dump_json(), media_type="application/json")


@router.post("/v1/sync/pull", response_model=p.PullResponse, responses=AUTHENTICATED)
def pull(body: p.PullRequest, s: DbSession, principal: CurrentPrincipal) -> Response:
    check_version(body.schema_version)
    if body.device_id != principal.device_id:
        raise HTTPException(422, "The request names another device.")
    page = pull_page(s, principal, body)
    # Serialised once, directly: a page can hold thousands of rows.
    # A laptop that did not ask for arrivals as snapshots never sees the field (it would refuse it).
    exclude = None if page.arrived_families else {"arrived_families"}
    return Response(content=page.model_dump_json(exclude=exclude), media_type="application/json")
