"""What every route needs, as FastAPI dependencies: the database session of the request and the
authenticated principal. Routes declare them with the ``Annotated`` aliases below, and tests may
replace them with ``app.dependency_overrides``.

The session is one transaction per request, committed when the route returns and before the
response is sent (``scope="function"``): a client that is told "applied" can rely on it.

Kept cheap, as every request pays for them: the session is made in the event loop (no I/O until
first used) and committed in one worker-thread call; a device this process remembers is
authenticated in the event loop with no query (``authn.quick_principal``), another in a short
transaction of its own. A route is then two thread hops (its own body, and the commit), not one
per dependency.

The sync routes, which every laptop calls after each edit, take a leaner path still: their
principal is the remembered one or ``None`` (``KnownPrincipal``: no thread, no query), and their
whole work - reading the device when not remembered, the route's body and the commit - is one
worker-thread call in one transaction (``in_transaction``): one thread hop, one BEGIN and COMMIT
a request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, TypeVar

import anyio
from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from ehdesk.server.authn import authenticate, quick_principal
from ehdesk.server.db import transaction
from ehdesk.server.models import ServerAudit
from ehdesk.server.scope import Principal
from ehdesk.sync import protocol as p

T = TypeVar("T")


async def get_factory(request: Request) -> sessionmaker:
    return request.app.state.factory


Factory = Annotated[sessionmaker, Depends(get_factory)]


async def db_session(request: Request) -> AsyncIterator[Session]:
    # The factory read off the app here, not through a dependency of its own: every dependency
    # costs each request FastAPI's resolving of it.
    session = request.app.state.factory()
    session.begin()
    # The commit runs on a thread outside the shared pool's limit (as FastAPI does for its own
    # context managers): a session holding a pooled connection must never wait for a thread
    # that is itself waiting for a connection, or a burst of requests deadlocks the process.
    own_thread = anyio.CapacityLimiter(1)
    try:
        yield session
    except BaseException:
        # Shielded: a client hanging up must not leave the transaction (and its locks) open.
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_end, session, False, limiter=own_thread)
        raise
    await anyio.to_thread.run_sync(_end, session, True, limiter=own_thread)


def _end(session: Session, commit: bool) -> None:
    try:
        if commit:
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


DbSession = Annotated[Session, Depends(db_session, scope="function")]


async def current_principal(request: Request) -> Principal:
    """The signed-in worker and device of the request (``ehdesk.server.authn``): 401 otherwise."""
    factory = request.app.state.factory
    principal = quick_principal(factory.kw["bind"], request)
    if principal is not None:
        return principal
    # In a short transaction of its own, on a thread of its own (see db_session): the request's
    # session takes its connection only when the route runs.
    return await anyio.to_thread.run_sync(
        _authenticate_alone, factory, request, limiter=anyio.CapacityLimiter(1)
    )


def _authenticate_alone(factory: sessionmaker, request: Request) -> Principal:
    with transaction(factory) as s:
        return authenticate(s, request)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def known_principal(request: Request) -> Principal | None:
    """The principal of a device this process remembers (no query, no thread; a bad token is a 401
    here, before the body is looked at); ``None`` when the route must authenticate in its own
    transaction (``principal_in``)."""
    return quick_principal(request.app.state.factory.kw["bind"], request)


KnownPrincipal = Annotated[Principal | None, Depends(known_principal)]


def principal_in(s: Session, request: Request, known: Principal | None) -> Principal:
    """The request's principal, read in the route's transaction when this process did not remember
    it (``authn.authenticate``: 401 otherwise)."""
    return known if known is not None else authenticate(s, request)


async def in_transaction(
    request: Request, work: Callable[..., T], *args: object, reads_only: bool = False
) -> T:
    """``work(session, *args)`` in one transaction of its own, committed before this returns (a
    client told "applied" can rely on it) and rolled back if it raises, on one worker thread.

    ``reads_only``: the work only reads, each statement on its own (no BEGIN and COMMIT round
    trips on PostgreSQL, where at READ COMMITTED every statement sees the newest committed data
    whether in a transaction or not; SQLite keeps its transaction, taken with BEGIN IMMEDIATE).

    The session holds its pooled connection only inside that thread, never while waiting for
    another thread (see ``db_session``), so a burst of requests cannot deadlock the process.
    Not cancellable once started: a client hanging up lets the transaction end in its thread."""
    factory = request.app.state.factory

    def run() -> T:
        with factory() as session:
            if reads_only and session.get_bind().dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
                return work(session, *args)
            with session.begin():
                return work(session, *args)

    return await anyio.to_thread.run_sync(run)


def check_version(version: int) -> None:
    if version not in p.SUPPORTED_SCHEMA_VERSIONS:
        raise HTTPException(
            400,
            "This copy of ehdesk is too old or too new for the council's server. Ask IT to update it.",
        )


def refuse(
    s: Session,
    principal: Principal,
    action: str,
    entity: str,
    entity_id: str,
    family_id: str | None,
) -> None:
    """Audit a refused request. Routes then *return* the error response (never raise), so that the
    request's transaction commits this row instead of rolling it back."""
    s.add(
        ServerAudit(
            user_id=principal.user_id,
            device_id=principal.device_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            family_id=family_id,
        )
    )


def error(status: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})
