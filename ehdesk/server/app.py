"""The HTTP API. Stateless: everything lives in the database, so several processes can serve one
PostgreSQL. Every request but sign-in carries a bearer access token; every read and write is
checked against the worker's scope, and refusals are audited.

Endpoints (all JSON, gzip both ways; OpenAPI at /openapi.json, docs at /docs), one router module
each under ``ehdesk.server.routes``; the session and the principal are dependencies
(``ehdesk.server.deps``):
    GET  /v1/health
    POST /v1/auth/sign-in        POST /v1/auth/refresh        POST /v1/auth/sign-out
    POST /v1/sync/push           POST /v1/sync/pull
    POST /v1/blobs/missing       POST /v1/blobs/fetch
    PUT  /v1/blobs/{sha256}      GET  /v1/blobs/{sha256}
    GET  /v1/reports/return
"""

from __future__ import annotations

import inspect

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from sqlalchemy import Engine

from ehdesk import __version__
from ehdesk.server import blobs_batch, ops_metrics, snapshot
from ehdesk.server.db import session_factory
from ehdesk.server.limits import BodyLimits
from ehdesk.server.openapi import validation_error
from ehdesk.server.routes import auth, blobs, meta, reports, sync
from ehdesk.server.signin_limits import parse_proxies

# FastAPI's own OpenTelemetry hooks (its releases from 0.16x on have them) are off: the server's
# metrics are Prometheus's (/metrics). Left on, every request asks OpenTelemetry whether a tracer
# or a meter is configured before it is served.
_NO_TELEMETRY = (
    {"telemetry": {"tracing": False, "metrics": False, "logs": False}}
    if "telemetry" in inspect.signature(FastAPI.__init__).parameters
    else {}
)


def create_app(engine: Engine, trusted_proxies: list[str] | tuple[str, ...] = ()) -> FastAPI:
    """``trusted_proxies``: addresses or networks of the reverse proxies whose X-Forwarded-For is
    believed (no others: a client cannot choose the address its sign-in tries are counted under)."""
    app = FastAPI(
        title="ehdesk server",
        version=__version__,
        description="Sync and sign-in for the ehdesk Early Help desktop app.",
        **_NO_TELEMETRY,
    )
    app.state.factory = session_factory(engine)
    app.state.trusted_proxies = parse_proxies(trusted_proxies)
    app.add_exception_handler(RequestValidationError, validation_error)
    # Schema 3's bulk paths (snapshot, blob batches) sit beside the others. Push and pull first:
    # FastAPI tries the routers in order on every request, and those two are most of them.
    for module in (sync, meta, auth, blobs, reports, snapshot, blobs_batch):
        app.include_router(module.router)
    # The operator's view: /metrics, the readiness check and per-request JSON logs.
    ops_metrics.install(app)
    return app


def build(engine: Engine, trusted_proxies: list[str] | tuple[str, ...] = ()) -> object:
    """The ASGI app with its size limits and gzip responses. Serve it with uvicorn's own proxy
    header handling off (``proxy_headers=False``): the app decides whom to believe."""
    app = create_app(engine, trusted_proxies)
    # Level 5: most of level 9's saving on JSON at a fraction of the server's time.
    app.add_middleware(GZipMiddleware, minimum_size=300, compresslevel=5)
    app.add_middleware(BodyLimits)
    return app
