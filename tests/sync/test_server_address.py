"""The laptop sends a sign-in only over HTTPS, or to itself, unless the council's ehdesk.toml
explicitly allows plain HTTP (issue 18, finding 9)."""

import pytest

from ehdesk.config import settings as settings_module
from ehdesk.errors import EhdeskError
from ehdesk.sync.client import InsecureServerAddress, SyncClient, check_server_url


@pytest.mark.parametrize(
    "url",
    ["https://ehdesk.council.example", "http://127.0.0.1:8765", "http://localhost:8765", "http://[::1]:8765"],
)
def test_https_and_this_computer_are_accepted(url):
    assert check_server_url(url, allow_plain_http=False) == url


@pytest.mark.parametrize("url", ["http://ehdesk.council.example", "http://10.0.0.5:8765"])
def test_plain_http_to_another_computer_is_refused_in_plain_words(url):
    with pytest.raises(InsecureServerAddress, match="not encrypted.*https://"):
        SyncClient(url)


def test_the_councils_settings_can_allow_plain_http(tmp_path, monkeypatch):
    config = tmp_path / "ehdesk.toml"
    config.write_text("allow_plain_http = true\n", encoding="utf-8")
    monkeypatch.setenv("EHDESK_CONFIG", str(config))
    settings_module.device_settings.cache_clear()
    try:
        SyncClient("http://10.0.0.5:8765").close()
    finally:
        settings_module.device_settings.cache_clear()


def test_an_address_that_is_not_a_web_address_is_refused():
    with pytest.raises(Exception, match="not a web address"):
        check_server_url("ftp://example.org")


@pytest.mark.parametrize(
    "url", ["https://[::1", "https://council.example:99999", "https://council.example:x"]
)
def test_a_malformed_address_is_refused_in_plain_words(url):
    # urlsplit and .port raised ValueError: "something went wrong (ValueError)".
    with pytest.raises(EhdeskError, match="not a web address"):
        check_server_url(url)
