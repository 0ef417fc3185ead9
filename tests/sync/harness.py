"""A real ehdesk server (uvicorn on a loopback port, in a thread) on SQLite or on its own
PostgreSQL schema, laptops provisioned against it, and a TCP proxy that can cut connections."""

from __future__ import annotations

import argparse
import socket
import threading
import time
import uuid
from pathlib import Path

import uvicorn
from sqlalchemy import create_engine, func, select, text

from ehdesk.models import Family, Person
from ehdesk.server import admin
from ehdesk.server.app import build
from ehdesk.server.db import make_engine, migrate, session_factory, transaction
from ehdesk.store import ProfileManager
from ehdesk.sync.client import SyncClient
from ehdesk.sync.engine import SyncEngine
from ehdesk.sync.provision import provision_profile
from ehdesk.sync.tokens import load_refresh_token

PASSWORD = "password123"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerHarness:
    def __init__(self, url: str, schema: str | None = None, trusted_proxies: tuple = ()) -> None:
        self.url = url
        self.trusted_proxies = trusted_proxies
        self.schema = schema
        self.engine = make_engine(url, schema)
        migrate(self.engine)
        self.factory = session_factory(self.engine)
        self.port = free_port()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.teams: dict[str, str] = {}

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = uvicorn.Config(
            build(self.engine, self.trusted_proxies),
            host="127.0.0.1",
            port=self.port,
            log_level="error",
            access_log=False,
            server_header=False,
            date_header=False,
            proxy_headers=False,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            self._thread.join(10)
            self._server = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        self.engine.dispose()

    # -- admin and inspection ---------------------------------------------------------------

    def session(self):
        return transaction(self.factory)

    def seed(self) -> None:
        with self.session() as s:
            for name in ("North", "South"):
                self.teams[name] = admin.create_team(s, name).id
            admin.create_user(s, "ann", "North", "practitioner", PASSWORD)
            admin.create_user(s, "bob", "North", "practitioner", PASSWORD)
            admin.create_user(s, "sue", "South", "practitioner", PASSWORD)
            admin.create_user(s, "meg", "South", "manager", PASSWORD)
            admin.create_user(s, "boss", "North", "admin", PASSWORD)

    def count(self, model, *where) -> int:
        with self.session() as s:
            return s.scalar(select(func.count()).select_from(model).where(*where))

    def get(self, model, row_id):
        with self.session() as s:
            return s.get(model, row_id)


def make_server(kind: str, tmp_path: Path, postgres_url: str | None = None) -> ServerHarness:
    if kind == "sqlite":
        harness = ServerHarness(f"sqlite:///{tmp_path / 'server.db'}")
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with create_engine(postgres_url).begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        harness = ServerHarness(postgres_url, schema)
    harness.seed()
    harness.start()
    return harness


def drop_server(harness: ServerHarness) -> None:
    harness.close()
    if harness.schema:
        engine = create_engine(harness.url)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{harness.schema}" CASCADE'))
        engine.dispose()


class Laptop:
    """A worker's profile on a laptop of its own (its own data dir), provisioned online."""

    def __init__(
        self, root: Path, username: str, server_url: str, first_sync: bool = True, **client_options
    ) -> None:
        self.data_dir = root / f"laptop-{username}"
        self.server_url = server_url
        self.client_options = client_options
        self.username = username
        args = argparse.Namespace(name=username, server=server_url, username=username, data_dir=self.data_dir)
        client = SyncClient(server_url, **client_options)
        provision_profile(args, PASSWORD, client=client, first_sync=first_sync)
        self.store = ProfileManager(self.data_dir).unlock(username, PASSWORD)
        self.statuses = []

    def engine(self, url: str | None = None, **options) -> SyncEngine:
        client = SyncClient(
            url or self.server_url,
            device_id=self.store.device_id,
            refresh_token=load_refresh_token(self.store),
            **{**self.client_options, **options},
        )
        self.client = client
        return SyncEngine(self.store, client, on_status=self.statuses.append)

    def sync(self, url: str | None = None, **options):
        engine = self.engine(url, **options)
        try:
            return engine.sync()
        finally:
            engine.client.close()

    def add_family(self, reference: str = "EH-1", members: int = 1) -> str:
        with self.store.session() as s:
            family = Family(
                reference=reference, household_name="Household", team_id=self.store.profile.team_id
            )
            s.add(family)
            s.flush()
            for i in range(members):
                s.add(Person(family_id=family.id, given_name=f"Child{i}", family_name="Test"))
            return family.id

    def edit(self, model, row_id, **values) -> None:
        with self.store.session() as s:
            row = s.get(model, row_id)
            for key, value in values.items():
                setattr(row, key, value)

    def get(self, model, row_id):
        with self.store.session() as s:
            return s.get(model, row_id)

    def max_seq(self) -> int:
        from ehdesk.models import OutboxEntry

        with self.store.session() as s:
            return s.scalar(select(func.max(OutboxEntry.seq))) or 0

    def rows(self, model, *where):
        with self.store.session() as s:
            return list(s.scalars(select(model).where(*where)))

    def close(self) -> None:
        self.store.close()


class CuttingProxy:
    """A TCP proxy in front of the server. ``cut_request_after`` drops a connection after
    forwarding the request but before any reply reaches the client (the server still acts on
    it); ``cut_reply_after_bytes`` drops it part-way through a reply. Each applies ``times`` times."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.cut_after_bytes = 0
        self.direction = "reply"
        self.skip = 0
        self.times = 0
        self.cuts = 0
        self.connections = 0
        self.bytes_up = 0  # client -> server, as on the wire (headers and bodies)
        self.bytes_down = 0
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", self.port))
        self._listener.listen(16)
        self._running = True
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def arm(self, after_bytes: int = 0, times: int = 1, skip: int = 0, direction: str = "reply") -> None:
        """Cut ``times`` connections, after letting ``skip`` more through, ``after_bytes`` into
        the reply (or, with direction="request", into the request)."""
        self.cut_after_bytes = after_bytes
        self.times = times
        self.skip = skip
        self.direction = direction

    def _accept(self) -> None:
        while self._running:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target_port))
        except OSError:
            client.close()
            return
        self.connections += 1
        cut = False
        if self.skip > 0:
            self.skip -= 1
        elif self.times > 0:
            self.times -= 1
            cut = True
        request_cut = self.cut_after_bytes if cut and self.direction == "request" else None
        reply_cut = self.cut_after_bytes if cut and self.direction == "reply" else None
        threading.Thread(target=self._pump, args=(client, upstream, request_cut, "up"), daemon=True).start()
        self._pump(upstream, client, reply_cut, "down")

    def _pump(self, source: socket.socket, sink: socket.socket, cut_after: int | None, way: str = "") -> None:
        sent = 0
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                if cut_after is not None and sent + len(data) > cut_after:
                    sink.sendall(data[: max(cut_after - sent, 0)])
                    self.cuts += 1
                    break
                sink.sendall(data)
                sent += len(data)
                if way == "up":
                    self.bytes_up += len(data)
                else:
                    self.bytes_down += len(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()

    def close(self) -> None:
        self._running = False
        self._listener.close()


# -- comparing a laptop with the server ---------------------------------------------------------

# Describe the copy, not the record: each side stamps its own.
LOCAL_ONLY = frozenset({"created_at", "updated_at"})


def _table_digest(rows) -> tuple[int, str]:
    import hashlib
    import json

    from ehdesk.models.wire import row_to_dict

    lines = sorted(json.dumps(row_to_dict(r, exclude=LOCAL_ONLY), sort_keys=True) for r in rows)
    return len(lines), hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def _blob_digest(hashes) -> tuple[int, str]:
    import hashlib

    names = sorted(hashes)
    return len(names), hashlib.sha256("".join(names).encode()).hexdigest()[:16]


def laptop_tables(laptop: Laptop) -> dict[str, tuple[int, str]]:
    """Per synced table (audit events are push-only): row count and a digest of every row."""
    from ehdesk.models import Blob, synced_models

    out = {}
    with laptop.store.session() as s:
        for model in synced_models():
            if model.__tablename__ != "audit_event":
                out[model.__tablename__] = _table_digest(s.scalars(select(model)))
        out["blob"] = _blob_digest(s.scalars(select(Blob.sha256)))
    return out


def server_tables(server: ServerHarness, team_ids: list[str]) -> dict[str, tuple[int, str]]:
    """The same, for what the server holds in the scope of a worker of ``team_ids``."""
    from ehdesk.models import Blob, FamilyScoped, synced_models

    out = {}
    with server.session() as s:
        families = select(Family.id).where(Family.team_id.in_(team_ids))
        for model in synced_models():
            name = model.__tablename__
            if name == "audit_event":
                continue
            query = select(model)
            if model is Family:
                query = query.where(Family.team_id.in_(team_ids))
            elif name == "user_account":
                # Staff rows reach only their own team's laptops (ehdesk.server.scope).
                query = query.where(model.team_id.in_(team_ids))
            elif issubclass(model, FamilyScoped):
                query = query.where(model.family_id.in_(families))
            out[name] = _table_digest(s.scalars(query))
        out["blob"] = _blob_digest(s.scalars(select(Blob.sha256).where(Blob.family_id.in_(families))))
    return out
