"""Who is asking: the bearer access token of a request, checked against its device and account."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import HTTPException, Request
from sqlalchemy.orm import Session

from ehdesk.models import User
from ehdesk.server import security
from ehdesk.server.models import Account, Device
from ehdesk.server.scope import Principal, team_ids_of


def authenticate(s: Session, request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    if not header.lower().startswith("bearer "):
        raise HTTPException(401, "Sign in first.")
    try:
        user_id, device_id = security.read_access_token(security.signing_key(s), header[7:].strip())
    except security.BadToken:
        raise HTTPException(401, "The sign-in has expired. Sign in again.") from None
    device = s.get(Device, device_id)
    account = s.get(Account, user_id)
    user = s.get(User, user_id)
    if device is None or device.revoked or device.user_id != user_id or account is None or account.disabled:
        raise HTTPException(401, "This laptop is no longer signed in. Sign in again.")
    device.last_seen_at = datetime.now(UTC)
    return Principal(
        user_id=user_id,
        device_id=device_id,
        username=account.username,
        role=user.role if user else "practitioner",
        team_ids=team_ids_of(s, user) if user else frozenset(),
    )
