import pytest

from tests.sync.harness import Laptop, drop_server, make_server


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def server(request, tmp_path):
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    harness = make_server(request.param, tmp_path, url)
    yield harness
    drop_server(harness)


@pytest.fixture
def laptops(server, tmp_path):
    opened = {}

    def make(username: str, **options) -> Laptop:
        opened[username] = Laptop(tmp_path, username, server.base_url, backoff=0.01, **options)
        return opened[username]

    yield make
    for laptop in opened.values():
        laptop.close()
