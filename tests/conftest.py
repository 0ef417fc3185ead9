"""Test isolation: every test gets its own data dir and settings file, an in-memory keyring,
offscreen Qt, and the argon2 floor (still OWASP's minimum) so unlocks are quick."""

from __future__ import annotations

import os
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["EHDESK_KDF_COST"] = "minimum"

import keyring  # noqa: E402
import pytest  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402

from ehdesk.config import settings as settings_module  # noqa: E402


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        self.secrets.pop((service, username), None)


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    data_dir = tmp_path / "data"
    config = tmp_path / "ehdesk.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv("EHDESK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("EHDESK_CONFIG", str(config))
    monkeypatch.delenv("EHDESK_PASSWORD", raising=False)
    settings_module.device_settings.cache_clear()
    keyring.set_keyring(MemoryKeyring())
    yield
    settings_module.device_settings.cache_clear()
    # The app collects cycles on the UI thread from a timer; a test may end before it fires.
    main_thread_gc = sys.modules.get("ehdesk.ui.main_thread_gc")
    if main_thread_gc is not None:
        main_thread_gc.collect_due()


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def profiles(data_dir):
    from ehdesk.store import ProfileManager

    return ProfileManager(data_dir)


PASSWORD = "correct horse battery"


@pytest.fixture
def store(profiles):
    """An unlocked, empty worker store, closed after the test."""
    profiles.create("Test Worker", PASSWORD)
    opened = profiles.unlock("Test Worker", PASSWORD)
    yield opened
    opened.close()


@pytest.fixture
def postgres_url():
    """The throwaway PostgreSQL database CI provides. Without it the test is skipped locally,
    but CI (EHDESK_REQUIRE_POSTGRES=1) fails instead of skipping."""
    url = os.environ.get("EHDESK_TEST_DATABASE_URL")
    if not url:
        if os.environ.get("EHDESK_REQUIRE_POSTGRES"):
            pytest.fail("EHDESK_TEST_DATABASE_URL is not set but PostgreSQL tests are required")
        pytest.skip("set EHDESK_TEST_DATABASE_URL to run PostgreSQL tests")
    return url
