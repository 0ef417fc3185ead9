"""Who is asking: the bearer access token of a request, checked against its device and account.

The token's signature is checked on every request (the signing key is cached); what the database
says about the device (token version, revoked, wipe, the worker's role and teams) comes from the
process's ``auth_cache``, read in one query when not remembered, and forgotten by every process
within about a second of a sign-out, a password reset, a revocation or a change of team (the token's
version must equal the device's). ``last_seen_at`` is written at most once a minute per device.

``quick_principal`` is the path of a remembered device: no query, no thread; ``authenticate`` the
full one (run in a worker thread: it may read the database)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi import HTTPException, Request
from sqlalchemy import Engine, bindparam, or_, select, update
from sqlalchemy.orm import Session

from ehdesk.models import User
from ehdesk.server import auth_cache, security
from ehdesk.server.models import Account, Device, TeamMember
from ehdesk.server.scope import Principal

SEEN_EVERY = 60.0  # seconds: last_seen_at is written at most this often per device
SIGNED_OUT = "This laptop is no longer signed in. Sign in again."
# What a laptop the council asked to wipe may still do: receive the wipe (push is answered with
# every change refused, blob questions with nothing, and the pull carries the wipe).
WIPE_PATHS = frozenset(
    {"/v1/sync/push", "/v1/sync/pull", "/v1/sync/snapshot", "/v1/blobs/missing", "/v1/auth/sign-out"}
)

# Built once: a statement made per request costs more than running it.
_DEVICE = (
    select(
        Device.user_id,
        Device.revoked,
        Device.wipe,
        Device.token_version,
        Device.last_seen_at,
        Account.username,
        Account.disabled,
        User.role,
        User.team_id,
        TeamMember.team_id.label("member_of"),
    )
    .join(Account, Account.user_id == Device.user_id)
    .join(User, User.id == Device.user_id)
    .outerjoin(TeamMember, TeamMember.user_id == Device.user_id)
    .where(Device.id == bindparam("device_id"))
)
# Written only when a minute has passed, whichever process asks (at most once a minute per device).
_SEEN = (
    update(Device)
    .where(
        Device.id == bindparam("device_id"),
        or_(Device.last_seen_at.is_(None), Device.last_seen_at < bindparam("cutoff")),
    )
    .values(last_seen_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


def _claims(key: bytes, request: Request) -> security.AccessClaims:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise HTTPException(401, "Sign in first.")
    try:
        return security.read_access_token(key, header[7:].strip())
    except security.BadToken:
        raise HTTPException(401, "The sign-in has expired. Sign in again.") from None


def _check(known: auth_cache.Known, claims: security.AccessClaims, path: str) -> Principal:
    # ``path`` is the request scope's: building the request's URL to read it costs more.
    if known.refused or known.token_version != claims.version or known.principal.user_id != claims.user_id:
        raise HTTPException(401, SIGNED_OUT)
    if known.principal.wipe_pending and path not in WIPE_PATHS:
        raise HTTPException(401, SIGNED_OUT)
    return known.principal


def quick_principal(engine: Engine, request: Request) -> Principal | None:
    """The principal of a device this process remembers, with nothing to read or write; ``None``
    when the full ``authenticate`` must run (raises 401 like it)."""
    key = security.cached_signing_key(engine)
    if key is None:
        return None
    cache = auth_cache.cache_for(engine)
    now = time.monotonic()
    if cache.epoch_due(now):
        return None
    claims = _claims(key, request)
    known = cache.get(claims.device_id, now)
    if known is None or time.time() - known.seen_at >= SEEN_EVERY:
        return None
    return _check(known, claims, request.scope["path"])


def authenticate(s: Session, request: Request) -> Principal:
    claims = _claims(security.signing_key(s), request)
    bind = s.get_bind()
    cache = auth_cache.cache_for(bind if isinstance(bind, Engine) else bind.engine)
    now = time.monotonic()
    if cache.epoch_due(now):
        cache.check_epoch(s)
    known = cache.get(claims.device_id, now)
    if known is None:
        known = _load(s, cache, claims.device_id)
    principal = _check(known, claims, request.scope["path"])
    wall = time.time()
    if wall - known.seen_at >= SEEN_EVERY:
        stamp = datetime.now(UTC)
        s.execute(
            _SEEN,
            {
                "device_id": claims.device_id,
                "now": stamp,
                "cutoff": datetime.fromtimestamp(wall - SEEN_EVERY, UTC),
            },
        )
        cache.put(
            claims.device_id,
            auth_cache.Known(principal, known.token_version, known.refused, known.loaded_at, wall),
            cache.generation,
        )
    return principal


def _load(s: Session, cache: auth_cache.AuthCache, device_id: str) -> auth_cache.Known:
    generation = cache.generation
    rows = s.execute(_DEVICE, {"device_id": device_id}).all()
    if not rows:
        raise HTTPException(401, SIGNED_OUT)
    first = rows[0]
    teams = {r.member_of for r in rows if r.member_of}
    if first.team_id:
        teams.add(first.team_id)
    known = auth_cache.Known(
        principal=Principal(
            user_id=first.user_id,
            device_id=device_id,
            username=first.username,
            role=first.role,
            team_ids=frozenset(teams),
            wipe_pending=first.wipe,
        ),
        token_version=first.token_version,
        # A device to be wiped is let through to receive the wipe (and only that: ``WIPE_PATHS``),
        # even revoked, even when its worker's account is disabled (a leaver's laptop).
        refused=bool((first.disabled or first.revoked) and not first.wipe),
        loaded_at=time.monotonic(),
        seen_at=auth_cache.seen_at(first.last_seen_at),
    )
    cache.put(device_id, known, generation)
    return known
