"""Signing in, refreshing the access token, signing out."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response
from sqlalchemy import select

from ehdesk.models import User
from ehdesk.server import security, signin_limits
from ehdesk.server.db import transaction
from ehdesk.server.deps import CurrentPrincipal, DbSession, Factory, check_version, error
from ehdesk.server.models import Account, Device, ServerAudit
from ehdesk.server.openapi import AUTHENTICATED, SIGN_IN, VERSIONED
from ehdesk.server.scope import team_ids_of
from ehdesk.sync import protocol as p

router = APIRouter()

WRONG = "The user name or password is wrong."


@router.post("/v1/auth/sign-in", response_model=p.SignInResponse, responses=SIGN_IN)
def sign_in(body: p.SignInRequest, request: Request, factory: Factory) -> p.SignInResponse:
    """A first sign-in registers a new device. With ``device_id`` (a profile signing in again after
    a password reset or a refresh token presented twice), the same device is given new tokens, so
    the laptop keeps its device id, its outbox sequence and its audit chain; a revoked, wiped,
    unknown or another worker's device is refused. The password is checked, and tries counted,
    exactly as for a first sign-in."""
    check_version(body.schema_version)
    address = signin_limits.client_address(request)
    # The try is counted (and committed) before the password is checked: concurrent tries each
    # take one of the few allowed, under a row lock, however many arrive at once.
    with transaction(factory) as s:
        wait = signin_limits.reserve(s, body.username, address)
    if wait:
        raise HTTPException(
            429,
            f"Too many failed sign-ins. Wait {_minutes(wait)} and try again.",
            headers={"Retry-After": str(wait)},
        )
    refusal: tuple[int, str] | None = None
    with transaction(factory) as s:
        account = s.scalars(select(Account).where(Account.username == body.username)).first()
        ok = security.verify_password(account.password_hash if account else None, body.password)
        if not ok or account is None or account.disabled:
            s.add(ServerAudit(action="sign_in_failed", detail={}))
            refusal = (401, WRONG)
        else:
            signin_limits.succeeded(s, body.username, address)
            user = s.get(User, account.user_id)
            if body.device_id is None:
                device = Device(user_id=user.id, name=body.device_name, token_version=0)
                s.add(device)
                s.flush()
                action = "sign_in"
            else:
                # Locked: a revocation or wipe committed meanwhile is seen, not overwritten.
                device = s.get(Device, body.device_id, with_for_update=True)
                action = "sign_in_again"
                why = _refuse_again(device, user.id)
                if why is not None:
                    status, sentence, reason = why
                    s.add(
                        ServerAudit(
                            user_id=user.id,
                            device_id=body.device_id,
                            action="sign_in_again_refused",
                            entity="device",
                            entity_id=body.device_id,
                            detail={"reason": reason},
                        )
                    )
                    refusal = (status, sentence)
                else:
                    # Whatever session the device still had ends: only the laptop that has just
                    # proved the password holds one now.
                    security.revoke_device_tokens(s, device.id)
            if refusal is None:
                refresh = security.issue_refresh_token(s, device.id)
                key = security.signing_key(s)
                teams = team_ids_of(s, user)
                s.add(ServerAudit(user_id=user.id, device_id=device.id, action=action))
                response = p.SignInResponse(
                    access_token=security.make_access_token(key, user.id, device.id, device.token_version),
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
    # Raised once the transaction has committed: the audit row and the try's count stay.
    if refusal is not None:
        raise HTTPException(*refusal)
    return response


NOT_THIS_SERVERS = (
    "The council server does not know this laptop (it may have been restored from a backup taken "
    "before this laptop first signed in), so it cannot be signed in again. Its records and unsent "
    "changes stay on it, encrypted: contact IT."
)
ANOTHER_WORKERS = (
    "This laptop's profile belongs to another worker: sign it in again with that worker's user "
    "name and password."
)
REVOKED = (
    "IT has revoked this laptop's access to the council server, so it cannot be signed in again. "
    "Its records and unsent changes stay on it, encrypted: contact IT."
)
WIPED = (
    "IT has asked for this laptop's records to be removed, so it cannot be signed in again. They "
    "are removed at its next sync."
)


def _refuse_again(device: Device | None, user_id: str) -> tuple[int, str, str] | None:
    """Why a device may not be signed in again (status, sentence, reason for the audit), or None.
    A wiped device keeps its old token, whose only use is to receive the wipe (``refresh``)."""
    if device is None:
        return 409, NOT_THIS_SERVERS, "unknown_device"
    if device.user_id != user_id:
        return 409, ANOTHER_WORKERS, "another_user"
    if device.wipe:
        return 403, WIPED, "wiped"
    if device.revoked:
        return 403, REVOKED, "revoked"
    return None


def _minutes(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{round(seconds / 60)} minutes"


@router.post(
    "/v1/auth/refresh", response_model=p.TokenResponse, response_model_exclude_none=True, responses=VERSIONED
)
def refresh(body: p.RefreshRequest, s: DbSession) -> p.TokenResponse | Response:
    check_version(body.schema_version)
    device = s.get(Device, body.device_id)
    # A revoked laptop the council asked to wipe still gets a token: its only use is to receive
    # the wipe (see ehdesk.server.authn.WIPE_PATHS).
    if device is None or (device.revoked and not device.wipe):
        raise HTTPException(401, "This laptop is no longer signed in. Sign in again.")
    next_token = None
    if device.wipe:
        # Any refresh token this laptop was ever given, even revoked: it may only receive the wipe.
        valid = security.known_refresh_token(s, body.device_id, body.refresh_token)
    elif body.schema_version >= 3:
        try:
            next_token = security.rotate_refresh_token(s, body.device_id, body.refresh_token)
        except security.RefreshReused:
            _revoke_for_reuse(s, device.id, device.user_id)
            # Returned, not raised: the revocation commits with this request.
            return error(401, "This laptop is no longer signed in. Sign in again.")
        valid = next_token is not None
    else:  # version 2 laptops keep their one token (they cannot store a new one)
        valid = security.check_refresh_token(s, body.device_id, body.refresh_token)
    if not valid:
        raise HTTPException(401, "This laptop is no longer signed in. Sign in again.")
    key = security.signing_key(s)
    return p.TokenResponse(
        access_token=security.make_access_token(key, device.user_id, device.id, device.token_version),
        expires_in=security.ACCESS_TTL_SECONDS,
        refresh_token=next_token,
    )


def _revoke_for_reuse(s, device_id: str, user_id: str) -> None:
    """A used refresh token came back: whoever holds either copy may be a thief. Every session of
    the device ends; the laptop's worker signs in online again."""
    security.revoke_device_tokens(s, device_id)
    s.add(
        ServerAudit(
            user_id=user_id,
            device_id=device_id,
            action="refresh_token_reused",
            entity="device",
            entity_id=device_id,
        )
    )


@router.post("/v1/auth/sign-out", status_code=204, responses=AUTHENTICATED)
def sign_out(s: DbSession, principal: CurrentPrincipal) -> Response:
    security.revoke_device_tokens(s, principal.device_id)
    s.add(ServerAudit(user_id=principal.user_id, device_id=principal.device_id, action="sign_out"))
    return Response(status_code=204)
