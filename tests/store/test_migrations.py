"""Stores written by older releases open in newer ones, without loss, after a backup."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from ehdesk.models import Episode, Person
from ehdesk.store import ProfileManager, migrate

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "stores" / "v0001"


def test_a_store_made_by_the_first_schema_upgrades_to_head_with_its_data(data_dir):
    manager = ProfileManager(data_dir)
    manager._ensure_data_dir()
    target = manager.profiles_dir / "golden"
    shutil.copytree(GOLDEN, target)

    store = manager.unlock("Golden Worker", "golden-password-1")
    try:
        assert migrate.current_revisions(store.engine) == migrate.head_revisions()
        with store.session() as s:
            names = sorted(p.given_name for p in s.scalars(select(Person)))
            episode = s.scalars(select(Episode)).one()
        assert names == ["Małgorzata", "王芳"]
        assert episode.presenting_factors == ["school_attendance"]
        assert episode.status == "open"
    finally:
        store.close()
    backups = list((target / "backups").glob("store-before-migration-*.db"))
    assert len(backups) == 1
    # The backup is the old store, still encrypted.
    assert backups[0].read_bytes()[:16] != b"SQLite format 3\x00"


def test_an_up_to_date_store_is_not_copied_again(profiles, store):
    store.close()
    profiles.unlock(store.profile.name, "correct horse battery").close()
    assert not (store.profile.path / "backups").exists()


def test_the_schema_history_is_linear_from_the_join_of_the_first_release():
    # One head, so a new revision has exactly one parent to name and two features cannot fork it.
    assert len(migrate.head_revisions()) == 1
