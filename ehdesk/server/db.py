"""The server's database: an engine for SQLite (the pilot default) or PostgreSQL, and the schema
brought up to date from code at start.

The domain tables are migrated by the same Alembic scripts as a laptop's store (so the two never
drift); the server-only tables have their own script chain and version table."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session, sessionmaker

SERVER_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The domain tables' scripts live beside the laptop store's code. The server reads them by path,
# not through `ehdesk.store`, so it never loads the store package (SQLCipher, the key vault).
STORE_MIGRATIONS = Path(__file__).resolve().parent.parent / "store" / "migrations"
# Any fixed number: several server processes starting at once take turns to migrate.
MIGRATION_LOCK = 80_080_001
# A pooled PostgreSQL connection idle longer than this is tested before use (the database may have
# restarted, or a firewall dropped it). Testing every checkout would cost a round trip a request;
# a connection broken within the window fails one request and the pool is renewed.
PING_AFTER_IDLE = 30.0


def default_url(data_dir: Path) -> str:
    return f"sqlite:///{Path(data_dir) / 'ehdesk-server.db'}"


def make_engine(url: str, schema: str | None = None) -> Engine:
    """``schema`` (PostgreSQL only) puts every table in that schema: tests share one database."""
    if url.startswith("sqlite"):
        # hide_parameters: an error report never quotes a family's data.
        engine = create_engine(
            url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True
        )

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn, _record):
            # Let SQLAlchemy issue BEGIN itself (below) instead of pysqlite's late, deferred one.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _on_begin(conn):
            # Take the write lock up front: two pushes never interleave and never deadlock.
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=10,
        connect_args=connect_args,
        hide_parameters=True,
    )
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _connected(_dbapi_conn, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_conn, record):
        if record is not None:
            record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn, record, _proxy):
        if time.monotonic() - record.info.get("returned_at", 0.0) > PING_AFTER_IDLE:
            try:
                engine.dialect.do_ping(dbapi_conn)
            except Exception as exc:  # noqa: BLE001  (any failure: the pool connects afresh)
                raise DisconnectionError() from exc


def store_alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(STORE_MIGRATIONS))
    return cfg


def server_alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(SERVER_MIGRATIONS))
    return cfg


def migrate(engine: Engine) -> None:
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        store_cfg = store_alembic_config()
        store_cfg.attributes["connection"] = conn
        command.upgrade(store_cfg, "heads")
        server_cfg = server_alembic_config()
        server_cfg.attributes["connection"] = conn
        command.upgrade(server_cfg, "heads")
        from ehdesk.server.auth_cache import ensure_epoch

        ensure_epoch(conn)


def migration_versions(conn) -> dict[str, tuple[set[str], set[str]]]:
    """For the domain tables ("store") and the server's own ("server"): the migrations this
    release knows and the versions the database says it holds (empty where no version table)."""
    from alembic.script import ScriptDirectory

    out = {}
    for name, cfg, table in (
        ("store", store_alembic_config(), "alembic_version"),
        ("server", server_alembic_config(), "alembic_version_server"),
    ):
        known = {rev.revision for rev in ScriptDirectory.from_config(cfg).walk_revisions()}
        try:
            with conn.begin_nested():
                have = {row[0] for row in conn.execute(text(f"SELECT version_num FROM {table}"))}
        except Exception:  # noqa: BLE001  (no such table: nothing migrated yet)
            have = set()
        out[name] = (known, have)
    return out


def unknown_migrations(engine: Engine) -> list[str]:
    """Versions the database holds that this release has no script for: a newer release
    migrated it. Empty if the database cannot be read."""
    try:
        with engine.connect() as conn:
            found = migration_versions(conn)
    except Exception:  # noqa: BLE001  (asked while explaining another failure)
        return []
    return sorted(v for known, have in found.values() for v in have - known)


def session_factory(engine: Engine) -> sessionmaker:
    from ehdesk.server.auth_cache import watch

    factory = sessionmaker(engine, expire_on_commit=False)
    # Every server session (the API's and the admin commands') raises the auth epoch when it
    # changes who may do what, so no process goes on trusting a revoked laptop.
    watch(factory)
    return factory


class Prebuilt:
    """A Core statement compiled once per dialect and run straight on the driver's cursor of the
    session's connection (in its transaction). For the few one-row statements every sync runs:
    SQLAlchemy's own work per execution (parameters, result set-up) costs more than such a query
    does. Parameters go through their types' bind processors and results through their result
    processors, as SQLAlchemy would (a JSON value serialised, a time stored and read back as the
    dialect keeps it), so the rows are what ``Connection.execute`` would give, as tuples. Errors
    are the driver's, and SQLAlchemy's events and echo do not see these statements."""

    def __init__(self, statement) -> None:
        self.statement = statement
        # Known from the statement, not asked of the cursor after each run (psycopg builds its
        # ``description`` anew each time it is read).
        self.returns_rows = bool(statement.exported_columns)
        # dialect name -> (SQL, parameter names in order for a positional driver, fixed values,
        # bind processors by parameter name, result processors by column or None)
        self._compiled: dict[str, tuple[str, tuple[str, ...] | None, dict, dict, list | None]] = {}

    def rows(self, session: Session, params: dict | None = None) -> list[tuple]:
        dialect, cursor = driver_cursor(session)
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = self._compile(dialect)
        sql, order, fixed, processors, results = found
        values = {**fixed, **params} if params else fixed
        if processors:
            values = {
                name: processors[name](value) if name in processors else value
                for name, value in values.items()
            }
        args = [values[name] for name in order] if order is not None else values
        cursor.execute(sql, args)
        rows = cursor.fetchall() if self.returns_rows else []
        if results is None:
            return rows
        return [tuple(v if p is None else p(v) for p, v in zip(results, row, strict=True)) for row in rows]

    def _compile(self, dialect) -> tuple[str, tuple[str, ...] | None, dict, dict, list | None]:
        compiled = self.statement.compile(dialect=dialect)
        sql, order, fixed = str(compiled), tuple(compiled.positiontup or ()), dict(compiled.params)
        if compiled.post_compile_params:
            # Lists of literal values (``IN ("a", "b")``) rendered once as parameters of their own.
            expanded = compiled.construct_expanded_state(fixed)
            sql, order, fixed = (
                expanded.statement,
                tuple(expanded.positiontup or ()),
                dict(expanded.parameters),
            )
        processors = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None and not bind.expanding:
                processors[name] = process
        results = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in self.statement.exported_columns
        ]
        return (
            sql,
            order if compiled.positional else None,
            fixed,
            processors,
            results if any(results) else None,
        )


_DRIVER = "ehdesk.driver_cursor"  # session.info: (transaction, dialect, cursor)


def driver_cursor(session: Session):
    """The dialect and a driver cursor on the session's connection, kept for the rest of its
    transaction: asking the session for its connection costs more than a one-row query."""
    transaction = session.get_transaction()
    found = session.info.get(_DRIVER)
    if found is None or transaction is None or found[0] is not transaction:
        connection = session.connection()
        cursor = connection.connection.driver_connection.cursor()
        found = session.info[_DRIVER] = (session.get_transaction(), connection.dialect, cursor)
    return found[1], found[2]


@contextmanager
def transaction(factory: sessionmaker):
    with factory() as session, session.begin():
        yield session


__all__ = ["Prebuilt", "Session", "default_url", "make_engine", "migrate", "session_factory", "transaction"]
