"""What every route needs, as FastAPI dependencies: the database session of the request and the
authenticated principal. Routes declare them with the ``Annotated`` aliases below, and tests may
replace them with ``app.dependency_overrides``.

The session is one transaction per request, committed when the route returns and before the
response is sent (``scope="function"``): a client that is told "applied" can rely on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from ehdesk.server.authn import authenticate
from ehdesk.server.db import transaction
from ehdesk.server.models import ServerAudit
from ehdesk.server.scope import Principal
from ehdesk.sync import protocol as p


def get_factory(request: Request) -> sessionmaker:
    return request.app.state.factory


Factory = Annotated[sessionmaker, Depends(get_factory)]


def db_session(factory: Factory) -> Iterator[Session]:
    with transaction(factory) as s:
        yield s


DbSession = Annotated[Session, Depends(db_session, scope="function")]


def current_principal(request: Request, s: DbSession) -> Principal:
    """The signed-in worker and device of the request (``ehdesk.server.authn``): 401 otherwise."""
    return authenticate(s, request)


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


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
