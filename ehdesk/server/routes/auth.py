"""Signing in, refreshing the access token, signing out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import delete, func, select

from ehdesk.models import User
from ehdesk.server import security
from ehdesk.server.db import transaction
from ehdesk.server.deps import CurrentPrincipal, DbSession, Factory, check_version
from ehdesk.server.models import Account, Device, ServerAudit, SignInAttempt
from ehdesk.server.scope import team_ids_of
from ehdesk.sync import protocol as p

SIGNIN_WINDOW = timedelta(minutes=15)
SIGNIN_MAX_PER_USER = 5
SIGNIN_MAX_PER_CLIENT = 30

router = APIRouter()


@router.post("/v1/auth/sign-in", response_model=p.SignInResponse)
def sign_in(body: p.SignInRequest, request: Request, factory: Factory) -> p.SignInResponse:
    check_version(body.schema_version)
    client = request.client.host if request.client else ""
    with transaction(factory) as s:
        since = datetime.now(UTC) - SIGNIN_WINDOW
        by_user = s.scalar(
            select(func.count()).where(SignInAttempt.username == body.username, SignInAttempt.at > since)
        )
        by_client = s.scalar(
            select(func.count()).where(SignInAttempt.client == client, SignInAttempt.at > since)
        )
    if by_user >= SIGNIN_MAX_PER_USER or by_client >= SIGNIN_MAX_PER_CLIENT:
        raise HTTPException(429, "Too many failed sign-ins. Wait a few minutes and try again.")
    with transaction(factory) as s:
        account = s.scalars(select(Account).where(Account.username == body.username)).first()
        ok = security.verify_password(account.password_hash if account else None, body.password)
        if not ok or account.disabled:
            s.add(SignInAttempt(username=body.username[:120], client=client[:64]))
            s.add(ServerAudit(action="sign_in_failed", detail={}))
            failed = True
        else:
            failed = False
            s.execute(delete(SignInAttempt).where(SignInAttempt.username == body.username))
            user = s.get(User, account.user_id)
            device = Device(user_id=user.id, name=body.device_name)
            s.add(device)
            s.flush()
            refresh = security.issue_refresh_token(s, device.id)
            key = security.signing_key(s)
            teams = team_ids_of(s, user)
            s.add(ServerAudit(user_id=user.id, device_id=device.id, action="sign_in"))
            response = p.SignInResponse(
                access_token=security.make_access_token(key, user.id, device.id),
                refresh_token=refresh,
                expires_in=security.ACCESS_TTL_SECONDS,
                user_id=user.id,
                username=account.username,
                display_name=user.display_name,
                role=user.role,
                team_id=user.team_id,
                team_ids=sorted(teams),
                device_id=device.id,
            )
    if failed:
        raise HTTPException(401, "The user name or password is wrong.")
    return response


@router.post("/v1/auth/refresh", response_model=p.TokenResponse)
def refresh(body: p.RefreshRequest, s: DbSession) -> p.TokenResponse:
    check_version(body.schema_version)
    device = s.get(Device, body.device_id)
    if (
        device is None
        or device.revoked
        or not security.check_refresh_token(s, body.device_id, body.refresh_token)
    ):
        raise HTTPException(401, "This laptop is no longer signed in. Sign in again.")
    key = security.signing_key(s)
    return p.TokenResponse(
        access_token=security.make_access_token(key, device.user_id, device.id),
        expires_in=security.ACCESS_TTL_SECONDS,
    )


@router.post("/v1/auth/sign-out", status_code=204)
def sign_out(s: DbSession, principal: CurrentPrincipal) -> Response:
    security.revoke_device_tokens(s, principal.device_id)
    return Response(status_code=204)
