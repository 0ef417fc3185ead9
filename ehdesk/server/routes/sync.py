"""Push and pull: the laptop's outbox in, the team's changes out.

The two requests every laptop makes after each edit, so kept lean (``deps.in_transaction``): the
principal from the process's memory in the event loop, then one worker-thread call that reads
the device if it was not remembered, does the work and commits, and the reply's JSON made once."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from ehdesk.models.types import utcnow
from ehdesk.server import ops_metrics
from ehdesk.server.db import Prebuilt
from ehdesk.server.deps import KnownPrincipal, check_version, in_transaction, principal_in
from ehdesk.server.fast_json import FastJsonRoute
from ehdesk.server.models import Quarantine, ServerAudit
from ehdesk.server.openapi import AUTHENTICATED
from ehdesk.server.pull import pull_page
from ehdesk.server.push import BadPush, apply_push
from ehdesk.server.scope import Principal
from ehdesk.sync import protocol as p

# Their bodies (a push of 500 changes) are parsed by orjson (``fast_json``).
router = APIRouter(route_class=FastJsonRoute)


@router.post("/v1/sync/push", response_model=p.PushResponse, responses=AUTHENTICATED)
async def push(body: p.PushRequest, request: Request, known: KnownPrincipal) -> Response:
    check_version(body.schema_version)
    return _json(await in_transaction(request, _push, request, known, body))


def _push(s: Session, request: Request, known: Principal | None, body: p.PushRequest) -> bytes:
    principal = principal_in(s, request, known)
    try:
        result = apply_push(s, principal, body)
    except BadPush as exc:
        raise HTTPException(422, str(exc)) from None
    # The sync itself is audited: how many changes, never what they said.
    counts: dict[str, int] = {}
    for r in result.results:
        counts[r.status] = counts.get(r.status, 0) + 1
    audit_push(s, principal, {"last_seq": result.last_seq, **counts})
    ops_metrics.count_push(s, counts)
    # Serialised directly: the reply is the server's own model, it needs no validating again.
    return result.model_dump_json().encode()


@router.post("/v1/sync/pull", response_model=p.PullResponse, responses=AUTHENTICATED)
async def pull(body: p.PullRequest, request: Request, known: KnownPrincipal) -> Response:
    check_version(body.schema_version)
    # A remembered laptop's pull writes nothing (a laptop to be wiped is told so in a transaction).
    reads_only = known is not None and not known.wipe_pending
    return _json(await in_transaction(request, _pull, request, known, body, reads_only=reads_only))


def _pull(s: Session, request: Request, known: Principal | None, body: p.PullRequest) -> bytes:
    principal = principal_in(s, request, known)
    if body.device_id != principal.device_id:
        raise HTTPException(422, "The request names another device.")
    page = pull_page(s, principal, body)
    # Serialised once, directly: a page can hold thousands of rows.
    # A laptop that did not ask for arrivals as snapshots never sees the field (it would refuse it).
    exclude = None if page.arrived_families else {"arrived_families"}
    return page.model_dump_json(exclude=exclude).encode()


@router.post("/v1/sync/refusals", response_model=p.RefusalResponse, responses=AUTHENTICATED)
async def refusals(body: p.RefusalQuery, request: Request, known: KnownPrincipal) -> Response:
    check_version(body.schema_version)
    return _json(await in_transaction(request, _refusals, request, known, body, reads_only=True))


def _refusals(s: Session, request: Request, known: Principal | None, body: p.RefusalQuery) -> bytes:
    """The laptop's own refused changes among those it asks about, with the reason kept in the
    quarantine (a device sees only its own: the reason can name a family's team)."""
    principal = principal_in(s, request, known)
    if body.device_id != principal.device_id:
        raise HTTPException(422, "The request names another device.")
    found: dict[int, str] = {}
    seqs = sorted(set(body.seqs))
    for start in range(0, len(seqs), 1000):
        for seq, reason in s.execute(
            select(Quarantine.seq, Quarantine.reason).where(
                Quarantine.device_id == principal.device_id, Quarantine.seq.in_(seqs[start : start + 1000])
            )
        ):
            found.setdefault(seq, reason)
    reply = p.RefusalResponse(refusals=[p.Refusal(seq=seq, reason=found[seq]) for seq in sorted(found)])
    return reply.model_dump_json().encode()


_AUDIT = ServerAudit.__table__
# Compiled once and run on the driver's cursor, not an ORM object: a unit-of-work flush at commit
# costs more than the insert. Every column is given (no Python-side defaults run here).
_AUDIT_PUSH = Prebuilt(
    insert(_AUDIT)
    .inline()
    .values(
        at=bindparam("at"),
        user_id=bindparam("user_id"),
        device_id=bindparam("device_id"),
        action="sync_push",
        entity="",
        entity_id="",
        family_id=None,
        detail=bindparam("detail"),
    )
)


def audit_push(s: Session, principal: Principal, detail: dict) -> None:
    _AUDIT_PUSH.rows(
        s, {"at": utcnow(), "user_id": principal.user_id, "device_id": principal.device_id, "detail": detail}
    )


def _json(content: bytes) -> Response:
    return Response(content=content, media_type="application/json")
