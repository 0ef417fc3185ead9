"""Passwords (argon2id), access tokens (short-lived, HMAC-signed, carrying the device's token
version, which every request checks, so sign-out, a password reset or a revocation ends them at
once) and device-bound refresh tokens (random, stored hashed, used once: each refresh returns the
next one, and an old one presented again revokes the device's sessions)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.server.models import Device, RefreshToken, Secret

ACCESS_TTL_SECONDS = 15 * 60
REFRESH_TTL = timedelta(days=90)
# A laptop whose refresh reply was lost on the way (a dropped 3G link) sends the same token
# again: within this long, and while the token issued for it is still unused, that is a retry.
REFRESH_RETRY_GRACE = timedelta(minutes=2)

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


# The signing key never changes once made: read once per database, not on every request.
_keys: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cached_signing_key(engine) -> bytes | None:
    """The key, if this process has read it already (no query)."""
    return _keys.get(engine)


def signing_key(session: Session) -> bytes:
    engine = session.get_bind()
    cached = _keys.get(engine)
    if cached is not None:
        return cached
    row = session.get(Secret, "token_key")
    if row is None:
        row = Secret(name="token_key", value=secrets.token_hex(32))
        session.add(row)
        session.flush()
        return bytes.fromhex(row.value)  # cached once committed (next request)
    _keys[engine] = bytes.fromhex(row.value)
    return _keys[engine]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    device_id: str
    version: int


def make_access_token(
    key: bytes, user_id: str, device_id: str, version: int = 0, now: float | None = None
) -> str:
    claims = {"u": user_id, "d": device_id, "v": version, "e": int((now or time.time()) + ACCESS_TTL_SECONDS)}
    body = _b64(json.dumps(claims, separators=(",", ":")).encode())
    sig = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
    return f"{body}.{sig}"


def read_access_token(key: bytes, token: str, now: float | None = None) -> AccessClaims:
    try:
        body, sig = token.split(".", 1)
        expected = _b64(hmac.new(key, body.encode(), hashlib.sha256).digest())
        if not hmac.compare_digest(sig, expected):
            raise BadToken
        claims = json.loads(_unb64(body))
        if claims["e"] < (now or time.time()):
            raise BadToken
        return AccessClaims(str(claims["u"]), str(claims["d"]), int(claims.get("v", 0)))
    except (ValueError, KeyError, TypeError, AttributeError):
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


def known_refresh_token(session: Session, device_id: str, token: str) -> bool:
    """Was this token ever issued to this device (revoked or used or not)?"""
    row = session.get(RefreshToken, token_hash(token))
    return row is not None and row.device_id == device_id


class RefreshReused(Exception):
    """A refresh token already exchanged was presented again: one of the two holders is a thief."""


def rotate_refresh_token(session: Session, device_id: str, token: str) -> str | None:
    """Exchange a valid refresh token for the next one (``None`` if it is not valid). Raises
    ``RefreshReused`` for a used token outside the retry grace; the caller revokes the device."""
    now = datetime.now(UTC)
    row = session.get(RefreshToken, token_hash(token), with_for_update=True)
    if row is None or row.revoked or row.device_id != device_id or row.expires_at <= now:
        return None
    if row.used_at is not None:
        successor = session.get(RefreshToken, row.replaced_by) if row.replaced_by else None
        retry = (
            now - row.used_at < REFRESH_RETRY_GRACE
            and successor is not None
            and successor.used_at is None
            and not successor.revoked
        )
        if not retry:
            raise RefreshReused
        successor.revoked = True
    new = issue_refresh_token(session, device_id)
    row.used_at = now
    row.replaced_by = token_hash(new)
    return new


def revoke_device_tokens(session: Session, device_id: str) -> None:
    """End every session of the device: its refresh tokens, and (through the token version) its
    access tokens, at once."""
    for row in session.scalars(select(RefreshToken).where(RefreshToken.device_id == device_id)):
        row.revoked = True
    device = session.get(Device, device_id)
    if device is not None:
        device.token_version += 1
