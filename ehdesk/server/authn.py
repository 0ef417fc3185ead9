"""Who is asking: the bearer access token of a request, checked against its device and account.

One query per request (device, account, user and team memberships joined; the signing key is
cached), and ``last_seen_at`` written at most once a minute per device, so authenticating costs
almost nothing while still seeing a sign-out, a password reset or a revocation at once (the
token's version must equal the device's)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ehdesk.models import User
from ehdesk.server import security
from ehdesk.server.models import Account, Device, TeamMember
from ehdesk.server.scope import Principal

SEEN_EVERY = timedelta(minutes=1)
SIGNED_OUT = "This laptop is no longer signed in. Sign in again."
# What a laptop the council asked to wipe may still do: receive the wipe (push is answered with
# every change refused, blob questions with nothing, and the pull carries the wipe).
WIPE_PATHS = frozenset(
    {"/v1/sync/push", "/v1/sync/pull", "/v1/sync/snapshot", "/v1/blobs/missing", "/v1/auth/sign-out"}
)


def authenticate(s: Session, request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise HTTPException(401, "Sign in first.")
    try:
        claims = security.read_access_token(security.signing_key(s), header[7:].strip())
    except security.BadToken:
        raise HTTPException(401, "The sign-in has expired. Sign in again.") from None
    rows = s.execute(
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
        .where(Device.id == claims.device_id)
    ).all()
    if not rows:
        raise HTTPException(401, SIGNED_OUT)
    first = rows[0]
    wipe_pending = first.wipe
    if (
        first.user_id != claims.user_id
        or first.token_version != claims.version
        or first.disabled
        or (first.revoked and not wipe_pending)
    ):
        raise HTTPException(401, SIGNED_OUT)
    if wipe_pending and request.url.path not in WIPE_PATHS:
        raise HTTPException(401, SIGNED_OUT)
    now = datetime.now(UTC)
    if first.last_seen_at is None or now - first.last_seen_at >= SEEN_EVERY:
        s.execute(update(Device).where(Device.id == claims.device_id).values(last_seen_at=now))
    teams = {r.member_of for r in rows if r.member_of}
    if first.team_id:
        teams.add(first.team_id)
    return Principal(
        user_id=claims.user_id,
        device_id=claims.device_id,
        username=first.username,
        role=first.role,
        team_ids=frozenset(teams),
        wipe_pending=wipe_pending,
    )
