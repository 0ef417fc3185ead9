"""``ehdesk-server`` as council IT uses it, and ``ehdesk profile create --server`` / ``ehdesk sync``
as a worker's laptop runs them headless."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from ehdesk.cli import main as ehdesk_main
from ehdesk.server.cli import main as server_main
from tests.sync.harness import PASSWORD, free_port


def test_admin_commands_and_plain_errors(tmp_path, monkeypatch, capsys):
    data = str(tmp_path / "server")
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    assert server_main(["--data-dir", data, "admin", "create-team", "--name", "North"]) == 0
    assert (
        server_main(
            [
                "--data-dir",
                data,
                "admin",
                "create-user",
                "--name",
                "ann",
                "--team",
                "North",
                "--role",
                "practitioner",
            ]
        )
        == 0
    )
    assert server_main(["--data-dir", data, "admin", "reset-password", "--name", "ann"]) == 0
    capsys.readouterr()
    assert (
        server_main(
            [
                "--data-dir",
                data,
                "admin",
                "create-user",
                "--name",
                "bob",
                "--team",
                "Nowhere",
                "--role",
                "manager",
            ]
        )
        == 2
    )
    assert (
        server_main(["--data-dir", data, "admin", "move-family", "--family", "abc", "--team", "North"]) == 2
    )
    assert server_main(["--data-dir", data, "admin", "revoke-device", "--name", "ann"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        'ehdesk-server: There is no team called "Nowhere".',
        "ehdesk-server: There is no family with that id on the server.",
        'ehdesk-server: "ann" has not signed in from any laptop.',
    ]
    monkeypatch.setenv("EHDESK_PASSWORD", "short")
    assert (
        server_main(
            ["--data-dir", data, "admin", "create-user", "--name", "cy", "--team", "North", "--role", "admin"]
        )
        == 2
    )
    assert "too short" in capsys.readouterr().err
    assert (
        server_main(
            [
                "--database-url",
                "postgresql+psycopg://nobody@127.0.0.1:1/none",
                "admin",
                "create-team",
                "--name",
                "X",
            ]
        )
        == 2
    )
    assert (
        capsys.readouterr().err.strip() == "ehdesk-server: The server's database cannot be reached or opened."
    )


def test_more_wrong_input_to_the_server_command_is_one_plain_line(tmp_path, monkeypatch, capsys):
    data = str(tmp_path / "server")
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    assert server_main(["--data-dir", data, "admin", "create-team", "--name", "North"]) == 0
    capsys.readouterr()
    user = ["admin", "create-user", "--team", "North", "--role", "manager", "--name"]
    for argv, message in (
        # An empty name made a user called "".
        ([*user, "  "], "The user name is empty."),
        # sqlalchemy's ArgumentError and a ValueError for the port: "something went wrong".
        (
            ["--database-url", "notaurl", "admin", "create-team", "--name", "X"],
            "The database URL is not valid",
        ),
        (
            ["--database-url", "postgresql+psycopg://u:secret@127.0.0.1:x/db", "admin", "move-requests"],
            "The database URL is not valid",
        ),
    ):
        assert server_main(argv if argv[0] == "--database-url" else ["--data-dir", data, *argv]) == 2, argv
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1 and "secret" not in err, err
    # The port was not checked: 99999 printed "listening" and then hung.
    with pytest.raises(SystemExit) as exit_:
        server_main(["--data-dir", data, "--port", "99999"])
    assert exit_.value.code == 2
    assert "99999 is not a port number (1 to 65535)" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:  # was argparse's "the following arguments are required: ACTION"
        server_main(["--data-dir", data, "admin"])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.startswith(
        "ehdesk-server admin: say what to do: create-team, create-user, "
    )
    assert server_main(["--data-dir", data, *user, " dan "]) == 0
    assert 'Created manager "dan" in team "North"' in capsys.readouterr().out


def test_a_name_with_spaces_around_it_is_the_same_user_for_every_admin_command(tmp_path, monkeypatch, capsys):
    data = str(tmp_path / "server")
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    admin = ["--data-dir", data, "admin"]
    assert server_main([*admin, "create-team", "--name", "North"]) == 0
    user = ["create-user", "--team", "North", "--role", "manager", "--name", " ann "]
    assert server_main([*admin, *user]) == 0
    capsys.readouterr()
    # reset-password looked " ann " up as typed: "There is no user called " ann "".
    assert server_main([*admin, "reset-password", "--name", " ann "]) == 0
    assert capsys.readouterr().out == 'A new password is set for "ann".\n'
    assert server_main([*admin, "revoke-device", "--name", " ann "]) == 2
    assert capsys.readouterr().err == 'ehdesk-server: "ann" has not signed in from any laptop.\n'
    assert server_main([*admin, "reset-password", "--name", "  "]) == 2
    assert capsys.readouterr().err == "ehdesk-server: The user name is empty.\n"


def test_verify_audit_of_a_device_the_server_does_not_know_is_an_error(tmp_path, capsys):
    from ehdesk.server.db import default_url, make_engine, session_factory, transaction
    from ehdesk.server.models import Device

    data = tmp_path / "server"
    verify = ["--data-dir", str(data), "admin", "verify-audit", "--device"]
    # A mistyped id said "Checked 0 audit event(s): no break(s) in the chain." and exit 0.
    assert server_main([*verify, "no-such-device"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        'ehdesk-server: There is no device with id "no-such-device" on the server: check the id, '
        "or leave out --device to check every device's chain.\n"
    )
    # A device the server knows that has sent no event yet is a clean result, not an error.
    engine = make_engine(default_url(data))  # made by the command above
    with transaction(session_factory(engine)) as s:
        s.add(Device(id="laptop-1", user_id="u"))
    engine.dispose()
    assert server_main([*verify, "laptop-1"]) == 0
    assert capsys.readouterr().out == "Checked 0 audit event(s): no break(s) in the chain.\n"


def test_an_address_the_server_cannot_listen_on_is_one_plain_line(tmp_path, capsys):
    data = tmp_path / "server"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # Was "listening on ..." then uvicorn's "[Errno 98] error while attempting to bind", exit 3.
        assert server_main(["--data-dir", str(data), "--port", str(port)]) == 2
        assert capsys.readouterr().err == (
            f"ehdesk-server: Port {port} on 127.0.0.1 is already in use: stop the other server or "
            "choose another --port.\n"
        )
    port = free_port()
    for host, message in (
        ("no-such-host.invalid", 'The host "no-such-host.invalid" cannot be found'),
        ("192.0.2.1", "192.0.2.1 is not an address of this computer"),  # TEST-NET-1: nobody's
    ):
        assert server_main(["--data-dir", str(data), "--host", host, "--port", str(port)]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"ehdesk-server: {message}") and err.count("\n") == 1, err
    assert not data.exists()  # refused before the database was made


@pytest.fixture
def served(tmp_path, monkeypatch):
    """``ehdesk-server`` started as a process, on SQLite in its data dir."""
    data = tmp_path / "server"
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    env = dict(os.environ)
    for argv in (
        ["admin", "create-team", "--name", "North"],
        ["admin", "create-user", "--name", "ann", "--team", "North", "--role", "practitioner"],
    ):
        assert server_main(["--data-dir", str(data), *argv]) == 0
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ehdesk.server.cli", "--data-dir", str(data), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/v1/health").status_code == 200:
                break
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("ehdesk-server did not start") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(10)


def test_profile_create_with_server_then_headless_sync(served, tmp_path, monkeypatch, capsys):
    laptop = str(tmp_path / "laptop")
    monkeypatch.setenv("EHDESK_PASSWORD", "wrong password")
    assert ehdesk_main(["--data-dir", laptop, "profile", "create", "--name", "ann", "--server", served]) == 2
    assert capsys.readouterr().err.strip() == "ehdesk: The user name or password is wrong."
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    assert ehdesk_main(["--data-dir", laptop, "profile", "create", "--name", "ann", "--server", served]) == 0
    assert f"signed in to {served}" in capsys.readouterr().out
    assert ehdesk_main(["--data-dir", laptop, "sync", "--profile", "ann"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Sent 0 changes, received 0. Up to date at ")
    unreachable = f"http://127.0.0.1:{free_port()}"
    assert ehdesk_main(["--data-dir", laptop, "sync", "--profile", "ann", "--server", unreachable]) == 2
    assert capsys.readouterr().err.strip() == (
        "ehdesk: The council server cannot be reached. Your changes are kept on this laptop."
    )
