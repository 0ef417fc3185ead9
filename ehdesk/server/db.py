"""The server's database: an engine for SQLite (the pilot default) or PostgreSQL, and the schema
brought up to date from code at start.

The domain tables are migrated by the same Alembic scripts as a laptop's store (so the two never
drift); the server-only tables have their own script chain and version table."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

SERVER_MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# The domain tables' scripts live beside the laptop store's code. The server reads them by path,
# not through `ehdesk.store`, so it never loads the store package (SQLCipher, the key vault).
STORE_MIGRATIONS = Path(__file__).resolve().parent.parent / "store" / "migrations"
# Any fixed number: several server processes starting at once take turns to migrate.
MIGRATION_LOCK = 80_080_001


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
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        connect_args=connect_args,
        hide_parameters=True,
    )


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


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker):
    with factory() as session, session.begin():
        yield session


__all__ = ["Session", "default_url", "make_engine", "migrate", "session_factory", "transaction"]
