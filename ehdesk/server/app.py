"""The HTTP API. Stateless: everything lives in the database, so several processes can serve one
PostgreSQL. Every request but sign-in carries a bearer access token; every read and write is
checked against the worker's scope, and refusals are audited.

Endpoints (all JSON, gzip both ways; OpenAPI at /openapi.json, docs at /docs):
    GET  /v1/health
    POST /v1/auth/sign-in        POST /v1/auth/refresh        POST /v1/auth/sign-out
    POST /v1/sync/push           POST /v1/sync/pull
    POST /v1/blobs/missing       POST /v1/blobs/fetch
    PUT  /v1/blobs/{sha256}      GET  /v1/blobs/{sha256}
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI, HTTPException, Query, Request, Response
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from ehdesk import __version__
from ehdesk.models import Blob, User
from ehdesk.server import admin, blobs_batch, ops_metrics, security, snapshot
from ehdesk.server.changelog import Revisions
from ehdesk.server.db import session_factory, transaction
from ehdesk.server.limits import BodyLimits
from ehdesk.server.models import Account, Device, ServerAudit, SignInAttempt
from ehdesk.server.pull import pull_page
from ehdesk.server.push import BadPush, apply_push
from ehdesk.server.scope import Principal, family_in_scope, team_ids_of
from ehdesk.sync import protocol as p

SIGNIN_WINDOW = timedelta(minutes=15)
SIGNIN_MAX_PER_USER = 5
SIGNIN_MAX_PER_CLIENT = 30


def create_app(engine: Engine) -> FastAPI:
    factory = session_factory(engine)
    app = FastAPI(
        title="ehdesk server",
        version=__version__,
        description="Sync and sign-in for the ehdesk Early Help desktop app.",
    )
    app.state.factory = factory

    @app.get("/v1/health")
    def health() -> dict:
        return {"ok": True, "schema_version": p.SCHEMA_VERSION}

    @app.post("/v1/auth/sign-in", response_model=p.SignInResponse)
    def sign_in(body: p.SignInRequest, request: Request) -> p.SignInResponse:
        _check_version(body.schema_version)
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

    @app.post("/v1/auth/refresh", response_model=p.TokenResponse)
    def refresh(body: p.RefreshRequest) -> p.TokenResponse:
        _check_version(body.schema_version)
        with transaction(factory) as s:
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

    @app.post("/v1/auth/sign-out", status_code=204)
    def sign_out(request: Request) -> Response:
        with transaction(factory) as s:
            principal = _authenticate(s, request)
            security.revoke_device_tokens(s, principal.device_id)
        return Response(status_code=204)

    @app.post("/v1/sync/push", response_model=p.PushResponse)
    def push(body: p.PushRequest, request: Request) -> p.PushResponse:
        _check_version(body.schema_version)
        try:
            with transaction(factory) as s:
                principal = _authenticate(s, request)
                result = apply_push(s, principal, body)
                # The sync itself is audited: how many changes, never what they said.
                counts: dict[str, int] = {}
                for r in result.results:
                    counts[r.status] = counts.get(r.status, 0) + 1
                s.add(
                    ServerAudit(
                        user_id=principal.user_id,
                        device_id=principal.device_id,
                        action="sync_push",
                        detail={"last_seq": result.last_seq, **counts},
                    )
                )
        except BadPush as exc:
            raise HTTPException(422, str(exc)) from None
        return result

    @app.post("/v1/sync/pull", response_model=p.PullResponse)
    def pull(body: p.PullRequest, request: Request) -> Response:
        _check_version(body.schema_version)
        with transaction(factory) as s:
            principal = _authenticate(s, request)
            if body.device_id != principal.device_id:
                raise HTTPException(422, "The request names another device.")
            page = pull_page(s, principal, body)
        # Serialised once, directly: a page can hold thousands of rows.
        return Response(content=page.model_dump_json(), media_type="application/json")

    @app.post("/v1/blobs/missing", response_model=p.BlobQueryResponse)
    def blobs_missing(body: p.BlobQuery, request: Request) -> p.BlobQueryResponse:
        _check_version(body.schema_version)
        with transaction(factory) as s:
            _authenticate(s, request)
            wanted = sorted(set(body.hashes))
            have = set(s.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted)))) if wanted else set()
            return p.BlobQueryResponse(missing=[h for h in wanted if h not in have])

    @app.post("/v1/blobs/fetch", response_model=p.BlobFetchResponse)
    def blobs_fetch(body: p.BlobFetch, request: Request) -> p.BlobFetchResponse:
        """Several blobs in one round trip (a first sync may need thousands of signatures)."""
        _check_version(body.schema_version)
        refused = []
        with transaction(factory) as s:
            principal = _authenticate(s, request)
            found, size = [], 0
            for blob in s.scalars(select(Blob).where(Blob.sha256.in_(sorted(set(body.hashes))))):
                if blob.family_id and not family_in_scope(s, principal, blob.family_id):
                    refused.append((blob.sha256, blob.family_id))
                    continue
                if found and size + blob.size > p.MAX_FETCH_BYTES:
                    break
                size += blob.size
                found.append(
                    p.BlobData(
                        sha256=blob.sha256,
                        media_type=blob.media_type,
                        family_id=blob.family_id,
                        data_b64=base64.b64encode(blob.data).decode(),
                    )
                )
        for sha256, family_id in refused:
            _refuse(factory, principal, "refused_read", "blob", sha256, family_id)
        return p.BlobFetchResponse(blobs=found)

    @app.put("/v1/blobs/{sha256}")
    async def put_blob(
        sha256: str,
        request: Request,
        schema_version: int = Query(...),
        media_type: str = Query(..., max_length=60),
        family_id: str | None = Query(None, max_length=36),
    ) -> dict:
        _check_version(schema_version)
        data = await request.body()
        return _store_blob(factory, request, sha256, data, media_type, family_id)

    @app.get("/v1/blobs/{sha256}")
    def get_blob(sha256: str, request: Request, schema_version: int = Query(...)) -> Response:
        _check_version(schema_version)
        with transaction(factory) as s:
            principal = _authenticate(s, request)
            blob = s.get(Blob, sha256)
            allowed = blob is not None and (
                not blob.family_id or family_in_scope(s, principal, blob.family_id)
            )
            if allowed:
                return Response(content=blob.data, media_type=blob.media_type)
            family_id = blob.family_id if blob is not None else None
        _refuse(factory, principal, "refused_read", "blob", sha256, family_id)
        raise HTTPException(404, "There is no such document.")

    @app.get("/v1/reports/return")
    def statistical_return(
        request: Request,
        schema_version: int = Query(...),
        date_from: str = Query(..., alias="from", max_length=10),
        date_to: str = Query(..., alias="to", max_length=10),
        fmt: str = Query("csv", alias="format", max_length=4),
    ) -> Response:
        """The suppressed statistical return: a manager's teams, or the whole council for an admin."""
        from ehdesk.errors import EhdeskError
        from ehdesk.reports.arguments import download

        _check_version(schema_version)
        with transaction(factory) as s:
            principal = _authenticate(s, request)
            if principal.role not in ("manager", "admin"):
                allowed = False
            else:
                allowed = True
                teams = None if principal.is_admin else sorted(principal.team_ids)
                try:
                    body, media_type, filename = download(s, date_from, date_to, fmt, teams)
                except EhdeskError as exc:
                    raise HTTPException(422, exc.message) from None
                s.add(
                    ServerAudit(
                        user_id=principal.user_id,
                        device_id=principal.device_id,
                        action="report",
                        entity="return",
                        entity_id=f"{date_from}..{date_to}",
                        family_id=None,
                        detail={"format": fmt, "teams": teams or "all"},
                    )
                )
        if not allowed:
            _refuse(factory, principal, "refused_read", "report", "return", None)
            raise HTTPException(403, "Only managers and admins can download the statistical return.")
        return Response(
            content=body,
            media_type=media_type,
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    # Schema 3's bulk paths and the operator's view (metrics, readiness), each in its own module.
    app.include_router(snapshot.router)
    app.include_router(blobs_batch.router)
    ops_metrics.install(app)
    return app


def _store_blob(
    factory: sessionmaker, request: Request, sha256: str, data: bytes, media_type, family_id
) -> dict:
    if len(sha256) != 64 or hashlib.sha256(data).hexdigest() != sha256:
        raise HTTPException(422, "The document's content does not match its name.")
    if len(data) > p.MAX_BLOB_BYTES:
        raise HTTPException(413, "The document is too large.")
    with transaction(factory) as s:
        principal = _authenticate(s, request)
        allowed = family_id is None or family_in_scope(s, principal, family_id)
        if allowed:
            if s.get(Blob, sha256) is not None:
                return {"stored": False}
            blob = Blob(sha256=sha256, family_id=family_id, media_type=media_type, size=len(data), data=data)
            s.add(blob)
            admin.log_blob(s, Revisions(s), blob)
            return {"stored": True}
    _refuse(factory, principal, "refused_write", "blob", sha256, family_id)
    raise HTTPException(404, "There is no such family.")


def _check_version(version: int) -> None:
    if version not in p.SUPPORTED_SCHEMA_VERSIONS:
        raise HTTPException(
            400,
            "This copy of ehdesk is too old or too new for the council's server. Ask IT to update it.",
        )


def _authenticate(s: Session, request: Request) -> Principal:
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


def _refuse(factory, principal: Principal, action: str, entity: str, entity_id: str, family_id) -> None:
    """Audit a refused request in its own transaction (the request's own is rolled back)."""
    with transaction(factory) as s:
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


def build(engine: Engine) -> object:
    """The ASGI app with its size limits and gzip responses."""
    app = create_app(engine)
    # Level 5: most of level 9's saving on JSON at a fraction of the server's time.
    app.add_middleware(GZipMiddleware, minimum_size=300, compresslevel=5)
    app.add_middleware(BodyLimits)
    return app
