"""Limits on guessing passwords, counted exactly under concurrency (a row lock per key, the try
counted *before* the password is checked, so 40 simultaneous wrong passwords get 5 checks, not 23).

Two counts per try:
- per user name *and* address, with a back-off: 5 free tries, then one try after 1 minute, 2, 4 …
  up to an hour. Someone guessing at a colleague's name from their own laptop slows down only
  themselves: the colleague, from their own address, is never locked out by it.
- per address, whatever the user name: 30 tries in 15 minutes.

The client's address is the connection's peer; ``X-Forwarded-For`` is believed only when that peer
is one of the configured reverse proxies (``--trusted-proxy``), so a client cannot rotate it."""

from __future__ import annotations

import ipaddress
import math
from datetime import UTC, datetime, timedelta

from fastapi import Request
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ehdesk.server.models import SignInLimit

FREE_TRIES = 5
FIRST_WAIT = 60.0
MAX_WAIT = 3600.0
QUIET_RESET = timedelta(days=1)
ADDRESS_MAX = 30
ADDRESS_WINDOW = timedelta(minutes=15)


def parse_proxies(values: list[str] | tuple[str, ...]) -> tuple:
    """Addresses or networks (``10.0.0.0/8``) of the reverse proxies in front of the server."""
    return tuple(ipaddress.ip_network(v.strip(), strict=False) for v in values if v.strip())


def _trusted(address: str, proxies: tuple) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(request: Request) -> str:
    peer = request.client.host if request.client else ""
    proxies = getattr(request.app.state, "trusted_proxies", ())
    if not proxies or not _trusted(peer, proxies):
        return peer[:64]
    # The nearest hop not one of ours is the client (anything further left is the client's word).
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            return hop[:64]
    return peer[:64]


def _user_key(username: str, address: str) -> str:
    return f"u:{address}|{username}"[:200]


def _address_key(address: str) -> str:
    return f"a:{address}"[:200]


def _locked_row(s: Session, key: str, now: datetime) -> SignInLimit:
    values = {"key": key, "failures": 0, "first_at": now, "last_at": now}
    dialect = s.get_bind().dialect.name
    table = SignInLimit.__table__
    if dialect == "postgresql":
        s.execute(postgresql.insert(table).values(**values).on_conflict_do_nothing())
    else:
        s.execute(sqlite.insert(table).values(**values).on_conflict_do_nothing())
    return s.get(SignInLimit, key, with_for_update=True, populate_existing=True)


def user_wait(failures: int) -> float:
    if failures < FREE_TRIES:
        return 0.0
    return min(FIRST_WAIT * 2 ** (failures - FREE_TRIES), MAX_WAIT)


def reserve(s: Session, username: str, address: str) -> int:
    """Count this try; return 0 if it may go ahead, else the seconds to wait (nothing counted)."""
    now = datetime.now(UTC)
    user = _locked_row(s, _user_key(username, address), now)
    per_address = _locked_row(s, _address_key(address), now)
    if now - user.last_at > QUIET_RESET:
        user.failures = 0
    if now - per_address.first_at > ADDRESS_WINDOW:
        per_address.failures, per_address.first_at = 0, now
    wait = 0.0
    if user.failures >= FREE_TRIES:
        wait = (user.last_at + timedelta(seconds=user_wait(user.failures)) - now).total_seconds()
    if per_address.failures >= ADDRESS_MAX:
        wait = max(wait, (per_address.first_at + ADDRESS_WINDOW - now).total_seconds())
    if wait > 0:
        return max(1, math.ceil(wait))
    user.failures += 1
    user.last_at = now
    per_address.failures += 1
    per_address.last_at = now
    return 0


def succeeded(s: Session, username: str, address: str) -> None:
    """The right password: this user's count from this address is forgotten, and the try is not
    held against the address."""
    row = s.get(SignInLimit, _user_key(username, address), with_for_update=True)
    if row is not None:
        s.delete(row)
    per_address = s.get(SignInLimit, _address_key(address), with_for_update=True)
    if per_address is not None and per_address.failures > 0:
        per_address.failures -= 1


def forget_user(s: Session, username: str) -> int:
    """Lift the wait wrong passwords put on ``username`` from every address (a password reset: the
    worker given a new password can use it at once). Returns how many addresses were waiting.
    The addresses' own counts stay: they are not this user's."""
    from sqlalchemy import delete, select

    table = SignInLimit.__table__
    keys = []
    for key in s.scalars(select(table.c.key).where(table.c.key.startswith("u:", autoescape=True))):
        named = key.partition("|")[2]  # an address never holds "|"; a key is cut at 200 characters
        if named == username or (len(key) == 200 and username.startswith(named)):
            keys.append(key)
    if keys:
        s.execute(delete(table).where(table.c.key.in_(keys)))
    return len(keys)
