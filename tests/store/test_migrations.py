"""Stores written by older releases open in newer ones, without loss, after a backup."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from ehdesk.models import Episode, Person
from ehdesk.models.meeting import Meeting
from ehdesk.store import ProfileManager, migrate

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "stores" / "v0001"
RELEASE_0_2 = GOLDEN.parent / "v0002"
# What the 0.2 golden store holds, table by table (tests/fixtures/stores/v0002/README.md).
RELEASE_0_2_ROWS = {
    "agreement": 3,
    "agreement_signature": 7,
    "assessment": 6,
    "blob": 7,
    "consent": 24,
    "episode": 5,
    "episode_closure": 1,
    "family": 6,
    "person": 17,
    "plan_action": 14,
    "plan_outcome": 11,
    "plan_version": 23,
    "reading": 32,
    "referral": 6,
    "session_note": 24,
    "taf_meeting": 23,
    "outbox": 204,
}


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


def test_the_first_full_release_store_upgrades_to_head_with_every_row(data_dir):
    from sqlalchemy import text

    from ehdesk.documents import signed_pdf

    manager = ProfileManager(data_dir)
    manager._ensure_data_dir()
    shutil.copytree(RELEASE_0_2, manager.profiles_dir / "release-0.2")

    store = manager.unlock("Release Worker", "golden-password-2")
    try:
        assert migrate.current_revisions(store.engine) == migrate.head_revisions()
        with store.session() as s:
            counts = {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in RELEASE_0_2_ROWS}
            family_id = s.execute(
                text("SELECT family_id FROM agreement WHERE status = 'signed' ORDER BY id LIMIT 1")
            ).scalar()
            pdf, _view = signed_pdf(s, family_id)
            # Meetings from before the rules an override broke were kept: none are named.
            overridden = list(s.scalars(select(Meeting.override_missing)))
        assert counts == RELEASE_0_2_ROWS
        assert overridden == [[]] * RELEASE_0_2_ROWS["taf_meeting"]
        assert pdf.startswith(b"%PDF")  # the signature blobs still render into the frozen agreement
    finally:
        store.close()
