"""Passwords (argon2id), access tokens (short-lived, HMAC-signed, checked against the device on
every request so revocation is immediate) and device-bound refresh tokens (random, stored hashed)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.server.models import RefreshToken, Secret

ACCESS_TTL_SECONDS = 15 * 60
REFRESH_TTL = timedelta(days=90)

# argon2id, at least OWASP's floor (19 MiB, t=2).
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verifying against this keeps the time of "no such user" the same as "wrong password".
_DUMMY_HASH = _hasher.hash("not a real password")


class BadToken(Exception):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def signing_key(session: Session) -> bytes:
    row = session.get(Secret, "token_key")
    if row is None:
        row = Secret(name="token_key", value=secrets.token_hex(32))
        session.add(row)
        session.flush()
    return bytes.fromhex(row.value)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_access_token(key: bytes, user_id: str, device_id: str, now: float | None = None) -> str:
    claims = {"u": user_id, "d": device_id, "e": int((now or time.time()) + ACCESS_TTL_SECONDS)}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    sig = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    return f"{body}.{sig}"


def read_access_token(key: bytes, token: str, now: float | None = None) -> tuple[str, str]:
    try:
        body, sig = token.split(".", 1)
        expected = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(sig, expected):
            raise BadToken
        claims = json.loads(_unb64(body))
        if claims["e"] < (now or time.time()):
            raise BadToken
        return str(claims["u"]), str(claims["d"])
    except (ValueError, KeyError, TypeError):
        raise BadToken from None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_refresh_token(session: Session, device_id: str) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        RefreshToken(
            token_hash=token_hash(token), device_id=device_id, expires_at=datetime.now(UTC) + REFRESH_TTL
        )
    )
    return token


def check_refresh_token(session: Session, device_id: str, token: str) -> bool:
    row = session.get(RefreshToken, token_hash(token))
    return (
        row is not None
        and not row.revoked
        and row.device_id == device_id
        and row.expires_at > datetime.now(UTC)
    )


def revoke_device_tokens(session: Session, device_id: str) -> None:
    for row in session.scalars(select(RefreshToken).where(RefreshToken.device_id == device_id)):
        row.revoked = True
