"""The laptop's wrong-password brake never locks out the right password, and a profile's files
are the worker's own (issue 18, finding 8)."""

import json
import os
import stat
import time

import pytest

from ehdesk.errors import TooManyAttempts
from ehdesk.store import ProfileManager
from ehdesk.store.lockout import UNREADABLE, Lockout
from ehdesk.store.vault import WrongPassword
from tests.conftest import PASSWORD


def test_a_last_failure_in_the_future_is_taken_as_now(tmp_path):
    now = time.time()
    path = tmp_path / "attempts.json"
    # Ten failures written by a clock a week ahead.
    path.write_text(json.dumps({"failures": 10, "last_failure": now + 7 * 86400}))
    lockout = Lockout(path, now=lambda: now)
    wait = lockout.wait_needed()
    assert 0 < wait <= 300  # the usual cap, not a week
    later = Lockout(path, now=lambda: now + 301)
    assert later.wait_needed() == 0


def test_an_attempts_file_that_is_a_folder_never_stops_the_right_password(profiles, caplog):
    profile = profiles.create("Sam", PASSWORD)
    (profile.path / "attempts.json").mkdir()
    store = profiles.unlock("Sam", PASSWORD)
    store.close()
    assert UNREADABLE in caplog.text


def test_an_unreadable_attempts_file_counts_as_one_wrong_try(profiles, caplog):
    profile = profiles.create("Sam", PASSWORD)
    (profile.path / "attempts.json").write_text("{not json")
    for _ in range(2):  # with the damaged file as one, the third wrong try is still free ...
        with pytest.raises(WrongPassword):
            profiles.unlock("Sam", "wrong password")
    with pytest.raises(TooManyAttempts):  # ... and the fourth must wait
        profiles.unlock("Sam", PASSWORD)
    assert UNREADABLE in caplog.text


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_store_files_are_the_workers_own(profiles, data_dir):
    os.umask(0o022)
    profile = profiles.create("Sam", PASSWORD)
    store = ProfileManager(data_dir).unlock("Sam", PASSWORD)
    store.set_state("probe", "1")  # a write: the WAL and shared-memory files exist now
    try:
        assert stat.S_IMODE(profile.path.stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / "profiles").stat().st_mode) == 0o700
        files = [p for p in profile.path.iterdir() if p.name.startswith("store.db")]
        assert {p.name for p in files} >= {"store.db"}
        for path in files:
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    finally:
        store.close()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_an_existing_store_readable_by_others_is_made_private_when_opened(profiles, data_dir):
    profile = profiles.create("Sam", PASSWORD)
    os.chmod(profile.path / "store.db", 0o644)
    ProfileManager(data_dir).unlock("Sam", PASSWORD).close()
    assert stat.S_IMODE((profile.path / "store.db").stat().st_mode) == 0o600
