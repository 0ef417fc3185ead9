"""Opening a SQLCipher file with a raw 256-bit key.

A raw key skips SQLCipher's own PBKDF2 at open (the key is already strong and random), so unlock
costs only the argon2 step. Every connection gets the same hardening pragmas."""

from __future__ import annotations

import os
from pathlib import Path

import sqlcipher3.dbapi2 as sqlcipher
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from ehdesk.errors import StoreDamaged


def _key_pragma(key: bytes) -> str:
    return f"PRAGMA key = \"x'{key.hex()}'\""


def private_file(path: Path) -> None:
    """Create ``path`` (if missing) readable by its owner only, and make it so if it exists.
    SQLite creates the WAL and shared-memory files with the database file's permissions."""
    if os.name != "posix":
        return  # Windows: the profile folder under %LOCALAPPDATA% is the user's own
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if each.stat().st_mode & 0o077:
                os.chmod(each, 0o600)
        except (FileNotFoundError, PermissionError):
            pass  # not ours to change (another owner): SQLite will say if it cannot open it


def connect_raw(path: Path, key: bytes, *, verify: bool = True) -> sqlcipher.Connection:
    private_file(path)
    conn = sqlcipher.connect(str(path), check_same_thread=False, timeout=30)
    conn.execute(_key_pragma(key))
    # Temporary tables and sort spills stay in memory so no plaintext reaches a temp file.
    conn.execute("PRAGMA temp_store = MEMORY")
    if verify:
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher.DatabaseError:
            conn.close()
            raise StoreDamaged(
                "This worker's store cannot be read: the file is damaged or is not an ehdesk store. "
                "It has been left as it is; ask IT support to restore it from its backup."
            ) from None
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA journal_mode = WAL")
    # FULL: a committed edit survives a flat battery (the promise is never to lose a word).
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def open_engine(path: Path, key: bytes) -> Engine:
    # Fail fast, before the pool hides the error inside the first query.
    connect_raw(path, key).close()
    engine = create_engine(
        "sqlite+pysqlite://",
        creator=lambda: connect_raw(path, key, verify=False),
        module=sqlcipher,
        poolclass=QueuePool,
        pool_size=4,
        max_overflow=4,
    )

    @event.listens_for(engine, "begin")
    def _begin_immediate(conn):
        # Take the write lock at BEGIN so two writers never deadlock on an upgrade from read.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    @event.listens_for(engine, "connect")
    def _no_pysqlite_autobegin(dbapi_conn, record):
        dbapi_conn.isolation_level = None

    return engine


def checkpoint(engine: Engine) -> None:
    """Fold the write-ahead log into the main file. Runs outside any transaction, as SQLite needs."""
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()
