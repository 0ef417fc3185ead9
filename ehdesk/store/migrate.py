"""Bringing a store's schema up to date at unlock, after taking an encrypted copy of it.

The history is linear from 0004_linear on (the first release had seven branches, joined there);
upgrading to "heads" applies whatever a store lacks, in order."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from ehdesk.store.engine import checkpoint

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BACKUPS_KEPT = 3


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def head_revisions() -> set[str]:
    return set(_heads())


@cache
def _heads() -> frozenset[str]:
    # Reading the migration scripts takes a few milliseconds of every unlock: they do not change
    # while the app runs, so once per process (the sign-in screen's warm-up does it, before unlock).
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def upgrade(engine: Engine, db_path: Path, target: str = "heads", backup_dir: Path | None = None) -> bool:
    """Migrate to ``target``. Returns True if anything ran. A store with a schema already is
    copied (still encrypted) to ``backup_dir`` first, so a failed migration loses nothing."""
    current = current_revisions(engine)
    if target == "heads" and current == head_revisions():
        return False
    if current and backup_dir is not None:
        _backup(engine, db_path, backup_dir)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)
    return True


def _backup(engine: Engine, db_path: Path, backup_dir: Path) -> Path:
    # Fold the WAL into the main file so one file copy is the whole store.
    checkpoint(engine)
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    target = backup_dir / f"store-before-migration-{stamp}.db"
    shutil.copy2(db_path, target)
    for old in sorted(backup_dir.glob("store-before-migration-*.db"))[:-BACKUPS_KEPT]:
        old.unlink()
    return target
