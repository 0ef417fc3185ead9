"""Operating the server as council IT would: Prometheus metrics at ``/metrics``, one JSON log line
per request with no personal data, and a readiness check that says whether the database answers
and is migrated (``/v1/health/ready``).

Business counts (pushes, pulls, conflicts, refusals) are read off what the server's own
transactions commit, through session events on the server's session factory, so the request
handlers stay as they are. Labels are the endpoint's path template, never an id or a hash."""

from __future__ import annotations

import json
import logging
import re
import time

from fastapi import APIRouter, FastAPI, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import event, text
from sqlalchemy.orm import sessionmaker

REQUESTS = Counter("ehdesk_requests_total", "HTTP requests", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "ehdesk_request_seconds",
    "Time to answer a request, by endpoint",
    ["endpoint"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
PUSHED = Counter("ehdesk_push_mutations_total", "Mutations pushed, by outcome", ["status"])
PULLS = Counter("ehdesk_pulls_total", "Pull pages served")
SNAPSHOTS = Counter("ehdesk_snapshot_builds_total", "Snapshots streamed to the end")
SNAPSHOT_ROWS = Counter("ehdesk_snapshot_rows_total", "Rows and blobs sent in snapshots")
SNAPSHOT_SECONDS = Histogram(
    "ehdesk_snapshot_seconds",
    "Time to stream one snapshot",
    buckets=(0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300),
)
CONFLICTS = Counter("ehdesk_conflicts_total", "Same-field conflicts recorded")
REFUSALS = Counter("ehdesk_refusals_total", "Requests or mutations refused for scope", ["action"])
BLOBS_STORED = Counter("ehdesk_blobs_stored_total", "Blobs stored")

access_log = logging.getLogger("ehdesk.server.access")

_HASH = re.compile(r"/[0-9a-f]{64}$")
KNOWN = frozenset(
    {
        "/v1/health",
        "/v1/health/ready",
        "/metrics",
        "/v1/auth/sign-in",
        "/v1/auth/refresh",
        "/v1/auth/sign-out",
        "/v1/sync/push",
        "/v1/sync/pull",
        "/v1/sync/snapshot",
        "/v1/blobs/missing",
        "/v1/blobs/fetch",
        "/v1/blobs/batch",
        "/v1/blobs/{sha256}",
        "/v1/reports/return",
    }
)


def endpoint_of(path: str) -> str:
    if path in KNOWN:
        return path
    path = _HASH.sub("/{sha256}", path)
    return path if path in KNOWN else "other"


# Metric children by label values, looked up once: ``labels()`` costs more than the count itself.
_children: dict[tuple, tuple] = {}


def _request_metrics(endpoint: str, method: str, status: int) -> tuple:
    key = (endpoint, method, status)
    found = _children.get(key)
    if found is None:
        found = _children[key] = (REQUESTS.labels(endpoint, method, str(status)), LATENCY.labels(endpoint))
    return found


class RequestMetrics:
    """Pure ASGI middleware: count, time and log every request by its endpoint template."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def sending(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            seconds = time.perf_counter() - started
            endpoint = endpoint_of(scope["path"])
            requests, latency = _request_metrics(endpoint, scope["method"], status["code"])
            requests.inc()
            latency.observe(seconds)
            if endpoint == "/v1/sync/pull" and status["code"] == 200:
                PULLS.inc()
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "endpoint": endpoint,
                        "method": scope["method"],
                        "status": status["code"],
                        "ms": round(seconds * 1000, 1),
                    },
                )


def count_push(session, statuses: dict[str, int]) -> None:
    """Pushed changes by outcome, counted when the request's transaction commits (for routes that
    write their audit row without the ORM)."""
    counts = session.info.setdefault("ops_counts", {})
    for status, n in statuses.items():
        if n and status in ("applied", "conflict", "duplicate", "refused"):
            counts[f"push:{status}"] = counts.get(f"push:{status}", 0) + n


def count_blobs_stored(session, n: int) -> None:
    """Blobs stored, counted when the request's transaction commits (for inserts made without the
    ORM)."""
    if n:
        counts = session.info.setdefault("ops_counts", {})
        counts["blob"] = counts.get("blob", 0) + n


def snapshot_built(rows: int, seconds: float) -> None:
    SNAPSHOTS.inc()
    SNAPSHOT_ROWS.inc(rows)
    SNAPSHOT_SECONDS.observe(seconds)


def _watch_commits(factory: sessionmaker) -> None:
    """Count conflicts, quarantined mutations, refusals and pushes as their transactions commit."""
    from ehdesk.models import Blob, SyncConflict
    from ehdesk.server.models import Quarantine, ServerAudit

    @event.listens_for(factory, "before_flush")
    def _seen(session, _context, _instances):
        counts = session.info.setdefault("ops_counts", {})
        for obj in session.new:
            if isinstance(obj, SyncConflict):
                counts["conflict"] = counts.get("conflict", 0) + 1
            elif isinstance(obj, Quarantine):
                counts["refused_write"] = counts.get("refused_write", 0) + 1
            elif isinstance(obj, Blob):
                counts["blob"] = counts.get("blob", 0) + 1
            elif isinstance(obj, ServerAudit):
                if obj.action.startswith("refused"):
                    counts[obj.action] = counts.get(obj.action, 0) + 1
                elif obj.action == "sync_push":
                    for status in ("applied", "conflict", "duplicate", "refused"):
                        if obj.detail.get(status):
                            counts[f"push:{status}"] = counts.get(f"push:{status}", 0) + obj.detail[status]

    @event.listens_for(factory, "after_commit")
    def _committed(session):
        for key, n in session.info.pop("ops_counts", {}).items():
            if key == "conflict":
                CONFLICTS.inc(n)
            elif key == "blob":
                BLOBS_STORED.inc(n)
            elif key.startswith("push:"):
                PUSHED.labels(key[5:]).inc(n)
            else:
                REFUSALS.labels(key).inc(n)

    @event.listens_for(factory, "after_rollback")
    def _rolled_back(session):
        session.info.pop("ops_counts", None)


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


@router.get("/v1/health/ready")
def ready(request: Request) -> Response:
    """200 when the database answers and carries every migration this server knows; 503 (with
    the reason) otherwise, so a load balancer stops sending laptops to a process that cannot work."""
    engine = request.app.state.factory.kw["bind"]
    try:
        state = migration_state(engine)
    except Exception as exc:  # noqa: BLE001  (any database failure means "not ready")
        body = {"ok": False, "database": "unreachable", "error": type(exc).__name__}
        return Response(json.dumps(body), status_code=503, media_type="application/json")
    ok = state["store_migrated"] and state["server_migrated"]
    body = {"ok": ok, "database": "reachable", **state}
    return Response(json.dumps(body), status_code=200 if ok else 503, media_type="application/json")


def migration_state(engine) -> dict:
    """Whether the database carries this release's newest migrations, domain tables ("store") and
    server tables alike; when not, which of them it lacks (``missing``) and which versions it holds
    that this release has no script for (``unknown``: a newer release migrated it)."""
    from alembic.script import ScriptDirectory

    from ehdesk.server.db import migration_versions, server_alembic_config, store_alembic_config

    heads = {
        "store": set(ScriptDirectory.from_config(store_alembic_config()).get_heads()),
        "server": set(ScriptDirectory.from_config(server_alembic_config()).get_heads()),
    }
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        found = migration_versions(conn)
    state: dict = {f"{name}_migrated": found[name][1] == heads[name] for name in ("store", "server")}
    missing = sorted(v for name in heads for v in heads[name] - found[name][1])
    unknown = sorted(v for known, have in found.values() for v in have - known)
    if missing:
        state["missing"] = missing
    if unknown:
        state["unknown"] = unknown
    return state


def install(app: FastAPI) -> None:
    """Add the metrics middleware, ``/metrics`` and the readiness check to ``app``."""
    app.include_router(router)
    app.add_middleware(RequestMetrics)
    _watch_commits(app.state.factory)


class JsonFormatter(logging.Formatter):
    """One JSON object a line. Only the fields a record names explicitly are kept: request logs
    carry the endpoint template, method, status and time, never a path with an id in it."""

    FIELDS = ("endpoint", "method", "status", "ms", "rows", "revision")

    def __init__(self) -> None:
        super().__init__()
        self._second = -1
        self._at = ""

    def _stamp(self, created: float) -> str:
        # One line a request: the time is formatted once a second, not once a line.
        second = int(created)
        if second != self._second:
            self._at = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second)) + "Z"
            self._second = second
        return self._at

    def format(self, record: logging.LogRecord) -> str:
        out = {
            "at": self._stamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage().strip(),
        }
        for name in self.FIELDS:
            if hasattr(record, name):
                out[name] = getattr(record, name)
        if record.exc_info:
            out["error"] = record.exc_info[0].__name__ if record.exc_info[0] else ""
        return json.dumps(out)


def configure_json_logging(level: int = logging.INFO) -> None:
    # The JSON lines name no thread, process or source line: each record is spared looking them
    # up (``_srcfile``: the logging HOWTO's way to skip finding the caller's frame).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    logging._srcfile = None
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    # uvicorn's own: its warnings and errors (a request that failed), not its start-up chatter.
    for name, at in (("ehdesk", level), ("uvicorn.error", max(level, logging.WARNING))):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(at)
        logger.propagate = False
