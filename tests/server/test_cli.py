"""``ehdesk-server`` as council IT uses it, and ``ehdesk profile create --server`` / ``ehdesk sync``
as a worker's laptop runs them headless."""

import json
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
    assert capsys.readouterr().err == (
        "ehdesk-server: The server's database cannot be reached or opened: nothing answers at "
        "127.0.0.1:1. Is PostgreSQL running there, and is the port right?\n"
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
        # A password with an @ in it: "secret" was read as part of the host and named in the error.
        (
            ["--database-url", "postgresql+psycopg://u:p@secret@127.0.0.1:1/db", "admin", "move-requests"],
            "The database URL is not valid: it holds more than one @. Write an @, /, : or # in the "
            "password percent-encoded (%40, %2F, %3A, %23), or keep the password out of the URL, "
            "in ~/.pgpass or PGPASSWORD.",
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


def test_an_address_the_server_cannot_listen_on_is_one_plain_line(tmp_path, monkeypatch, capsys):
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
    # A proxy named by its host name: was "something went wrong (ValueError)", after the database
    # had been made and migrated.
    assert server_main(["--data-dir", str(data), "--trusted-proxy", "proxy.council.example"]) == 2
    assert capsys.readouterr().err == (
        'ehdesk-server: --trusted-proxy: "proxy.council.example" is not an IP address or network: '
        "give the reverse proxy's address as numbers (10.0.0.2) or its network (10.0.0.0/24), not "
        "its name.\n"
    )
    monkeypatch.setenv("EHDESK_TRUSTED_PROXIES", "10.0.0.2, 10.0.0.300")
    assert server_main(["--data-dir", str(data), "--port", str(port)]) == 2
    assert capsys.readouterr().err.startswith(
        'ehdesk-server: EHDESK_TRUSTED_PROXIES: "10.0.0.300" is not an IP address or network'
    )
    assert not data.exists()  # refused before the database was made


def start_server(data) -> tuple[subprocess.Popen, str]:
    """``ehdesk-server --data-dir DATA`` as a process (its log on a pipe), once it answers."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "ehdesk.server.cli", "--data-dir", str(data), "--port", str(port)],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{url}/v1/health").status_code == 200:
                return process, url
        except httpx.TransportError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise RuntimeError("ehdesk-server did not start") from None
            time.sleep(0.1)


@pytest.fixture
def served(tmp_path, monkeypatch):
    """``ehdesk-server`` started as a process, on SQLite in its data dir."""
    data = tmp_path / "server"
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    for argv in (
        ["admin", "create-team", "--name", "North"],
        ["admin", "create-user", "--name", "ann", "--team", "North", "--role", "practitioner"],
    ):
        assert server_main(["--data-dir", str(data), *argv]) == 0
    process, url = start_server(data)
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


def test_a_laptop_given_a_wrong_server_address_is_told_so_in_plain_words(
    served, tmp_path, monkeypatch, capsys
):
    laptop = str(tmp_path / "laptop")
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    create = ["--data-dir", laptop, "profile", "create", "--name", "ann", "--server"]
    # A path after the server's address (or another web site) said "ehdesk: Not Found".
    assert ehdesk_main([*create, f"{served}/v1"]) == 2
    assert capsys.readouterr().err == (
        f"ehdesk: The address {served}/v1 does not lead to an ehdesk server: give the server's own "
        "address, with nothing after it (as https://ehdesk.council.example).\n"
    )
    # Nothing listening: said "Your changes are kept on this laptop." of a profile not yet made.
    unreachable = f"http://127.0.0.1:{free_port()}"
    assert ehdesk_main([*create, unreachable]) == 2
    assert capsys.readouterr().err == (
        f"ehdesk: The council server at {unreachable} cannot be reached: check the address and that "
        "the server is running. No profile was made.\n"
    )
    assert ehdesk_main([*create, served]) == 0  # and no profile was left behind by either


def test_reset_password_lets_a_locked_out_worker_sign_in_at_once(served, tmp_path, monkeypatch, capsys):
    """A worker who typed a wrong password too often waited up to an hour even after IT had set
    a new password: reset-password left the wait in place, and nothing else lifted it."""
    laptop = str(tmp_path / "laptop")
    create = ["--data-dir", laptop, "profile", "create", "--name", "ann", "--server", served]
    monkeypatch.setenv("EHDESK_PASSWORD", "not the password")
    for _ in range(5):
        assert ehdesk_main(create) == 2
    capsys.readouterr()
    assert ehdesk_main(create) == 2
    assert capsys.readouterr().err.startswith("ehdesk: Too many failed sign-ins. Wait ")
    monkeypatch.setenv("EHDESK_PASSWORD", "a new password from IT")
    assert (
        server_main(["--data-dir", str(tmp_path / "server"), "admin", "reset-password", "--name", "ann"]) == 0
    )
    assert capsys.readouterr().out == 'A new password is set for "ann".\n'
    assert ehdesk_main(create) == 0
    assert f"signed in to {served}" in capsys.readouterr().out


def test_the_server_log_stays_json_when_a_request_fails(tmp_path, monkeypatch):
    """Every line ``ehdesk-server`` writes is one JSON object (docs/operations.md). A request that
    failed (here its table is gone, as when the database is lost) wrote uvicorn's multi-line
    traceback instead, quoting the database's own error text."""
    import sqlite3

    data = tmp_path / "server"
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    assert server_main(["--data-dir", str(data), "admin", "create-team", "--name", "North"]) == 0
    process, url = start_server(data)
    try:
        with sqlite3.connect(data / "ehdesk-server.db") as db:
            db.execute("DROP TABLE server_signin_limit")
        reply = httpx.post(
            f"{url}/v1/auth/sign-in",
            json={"schema_version": 3, "username": "ann", "password": PASSWORD},
        )
        assert reply.status_code == 500
    finally:
        process.terminate()
        log = process.communicate(timeout=10)[1].decode()
    lines = log.splitlines()
    records = [json.loads(line) for line in lines]  # fails on any line that is not JSON
    assert records[0]["event"] == f"listening on {url}"
    failed = [r for r in records if r["level"] == "error"]
    assert failed == [
        {
            "at": failed[0]["at"],
            "level": "error",
            "logger": "uvicorn.error",
            "event": "Exception in ASGI application",
            "error": "OperationalError",
        }
    ]
    assert "server_signin_limit" not in log and "Traceback" not in log


def test_admin_commands_without_a_database_say_which_database_they_used(tmp_path, monkeypatch, capsys):
    """The README's first admin command, typed as shown with no --database-url, made the team in
    a SQLite pilot database of its own while the server ran on PostgreSQL, and said only
    "Created team"."""
    monkeypatch.delenv("EHDESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("EHDESK_SERVER_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert server_main(["admin", "create-team", "--name", "North"]) == 0
    out, err = capsys.readouterr()
    assert out.startswith('Created team "North" (')
    folder = tmp_path / "xdg" / "ehdesk-server"
    assert err == (
        "ehdesk-server: no --database-url (or EHDESK_DATABASE_URL) given, so this uses the SQLite "
        f"pilot database in {folder}.\n"
    )
    assert (folder / "ehdesk-server.db").exists()
    # Named on purpose (--data-dir, --database-url): nothing to say.
    assert server_main(["--data-dir", str(tmp_path / "pilot"), "admin", "create-team", "--name", "N"]) == 0
    assert capsys.readouterr().err == ""


def test_a_database_of_a_newer_release_or_a_missing_folder_is_one_plain_line(tmp_path, capsys):
    from sqlalchemy import create_engine, text

    data = tmp_path / "server"
    assert server_main(["--data-dir", str(data), "admin", "create-team", "--name", "North"]) == 0
    capsys.readouterr()
    engine = create_engine(f"sqlite:///{data / 'ehdesk-server.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version_server SET version_num = 's9999_from_the_future'"))
    engine.dispose()
    # Was "something went wrong (CommandError)", exit 1, for the server and every admin command.
    assert server_main(["--data-dir", str(data), "admin", "move-requests"]) == 2
    assert capsys.readouterr().err == (
        "ehdesk-server: The server's database was set up by a newer release of ehdesk-server (it "
        "holds migration s9999_from_the_future, which this release does not know): run that release "
        "against it, or restore a backup taken before the upgrade.\n"
    )
    missing = tmp_path / "no" / "such" / "folder" / "x.db"
    assert server_main(["--database-url", f"sqlite:///{missing}", "admin", "move-requests"]) == 2
    assert capsys.readouterr().err == (
        "ehdesk-server: The server's database cannot be reached or opened: the SQLite file "
        f"{missing} cannot be opened (does its folder exist, and may this account write to it?).\n"
    )


@pytest.mark.postgres
def test_postgres_database_url_mistakes_each_say_what_to_fix(postgres_url, capsys):
    """Each was "The server's database cannot be reached or opened." (or "something went wrong
    (ProgrammingError)"), whatever the mistake; the password is never echoed."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

    url = make_url(postgres_url)
    host, port = url.host or "localhost", url.port or 5432
    missing_db = f"ehdesk_missing_{uuid.uuid4().hex[:8]}"
    role = f"ehdesk_role_{uuid.uuid4().hex[:8]}"
    owned = f"ehdesk_owned_{uuid.uuid4().hex[:8]}"

    def run(database_url: str) -> str:
        assert server_main(["--database-url", database_url, "admin", "move-requests"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "s3cret" not in err, err
        return err

    no_db = url.set(database=missing_db, password="s3cret").render_as_string(hide_password=False)
    assert run(no_db) == (
        f"ehdesk-server: The server's database cannot be reached or opened: PostgreSQL at {host}:{port} "
        f'has no database "{missing_db}". Create it first (createdb -h {host} -O USER {missing_db}), '
        "or correct the name in the URL.\n"
    )
    no_role = url.set(username=role, password="s3cret").render_as_string(hide_password=False)
    assert run(no_role) == (
        f"ehdesk-server: The server's database cannot be reached or opened: PostgreSQL at {host}:{port} "
        f'has no user "{role}". Create it first (createuser), or correct the user in the URL.\n'
    )
    # PostgreSQL 15 lets only the owner create tables in a new database's public schema.
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
            conn.execute(text(f'CREATE DATABASE "{owned}"'))
        as_role = url.set(username=role, database=owned).render_as_string(hide_password=False)
        assert run(as_role) == (
            f'ehdesk-server: The server\'s database cannot be set up: the user "{role}" may not create '
            f'tables in the database "{owned}". Make that user the database\'s owner (createdb -O '
            f"{role} {owned}, or ALTER DATABASE ... OWNER TO), or grant it CREATE on the schema the "
            "tables go in.\n"
        )
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{owned}" OWNER TO "{role}"'))
        # Tables that belong to another user: a restore run as postgres without --role.
        theirs = create_engine(url.set(database=owned), isolation_level="AUTOCOMMIT")
        with theirs.connect() as conn:
            conn.execute(text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
        assert run(as_role) == (
            f'ehdesk-server: The server\'s database cannot be opened: the user "{role}" may not use its '
            "tables, which belong to another user (as after a restore run as postgres without "
            f"--role). Restore it as the server's user (createdb -O {role}, then pg_restore "
            f'--no-owner --role={role}), or have the tables\' owner give them to "{role}".\n'
        )
        with theirs.connect() as conn:
            conn.execute(text("DROP TABLE alembic_version"))
        theirs.dispose()
        # The spelling pg_dump and psql take (postgres://, postgresql://) serves the server too.
        plain = as_role.replace("postgresql+psycopg://", "postgres://")
        assert server_main(["--database-url", plain, "admin", "move-requests"]) == 0
        assert capsys.readouterr().out == "No family is waiting to move.\n"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{owned}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_admin_devices_lists_the_ids_revoke_device_takes(served, tmp_path, monkeypatch, capsys):
    """``revoke-device --device ID`` was documented, but nothing told IT a laptop's id."""
    import re

    admin = ["--data-dir", str(tmp_path / "server"), "admin"]
    assert server_main([*admin, "devices"]) == 0
    assert capsys.readouterr().out == "No laptop has signed in yet.\n"
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    laptop = str(tmp_path / "laptop")
    assert ehdesk_main(["--data-dir", laptop, "profile", "create", "--name", "ann", "--server", served]) == 0
    capsys.readouterr()
    assert server_main([*admin, "devices", "--name", "ann"]) == 0
    line = capsys.readouterr().out
    found = re.fullmatch(
        r"(\S+)  ann  signed in \d{4}-\d\d-\d\d \d\d:\d\d UTC, last seen \d{4}-\d\d-\d\d \d\d:\d\d UTC\n",
        line,
    )
    assert found, line
    assert server_main([*admin, "revoke-device", "--device", found.group(1), "--wipe"]) == 0
    capsys.readouterr()
    assert server_main([*admin, "devices"]) == 0
    assert capsys.readouterr().out.endswith("  (revoked, to be wiped at its next contact)\n")
    assert server_main([*admin, "devices", "--name", "nobody"]) == 2
    assert capsys.readouterr().err == 'ehdesk-server: There is no user called "nobody".\n'


def test_profile_sign_in_after_a_password_reset_sends_what_waited(served, tmp_path, monkeypatch, capsys):
    """``ehdesk profile sign-in``: the profile's own password unlocks it, the server password IT
    set signs it in again as the same laptop, and what waited is sent; every refusal is one line
    and exit 2."""
    from sqlalchemy import create_engine, func, select

    from ehdesk.models import Family
    from ehdesk.server.models import Device
    from ehdesk.server.routes.auth import REVOKED
    from ehdesk.store import ProfileManager

    laptop = str(tmp_path / "laptop")
    server_data = str(tmp_path / "server")
    assert ehdesk_main(["--data-dir", laptop, "profile", "create", "--name", "ann", "--server", served]) == 0
    store = ProfileManager(tmp_path / "laptop").unlock("ann", PASSWORD)
    with store.session() as s:
        s.add(Family(reference="EH-CLI", household_name="Household", team_id=store.profile.team_id))
    device_id = store.device_id
    store.close()
    monkeypatch.setenv("EHDESK_PASSWORD", "a-new-password-1")
    assert server_main(["--data-dir", server_data, "admin", "reset-password", "--name", "ann"]) == 0
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)  # the laptop's own password, unchanged
    capsys.readouterr()

    def run(*argv: str) -> tuple[int, str, str]:
        code = ehdesk_main(["--data-dir", laptop, *argv])
        out, err = capsys.readouterr()
        return code, out, err

    code, _, err = run("sync", "--profile", "ann")
    assert code == 2 and "no longer accepts this laptop's sign-in" in err
    # Without EHDESK_SERVER_PASSWORD the server password is the profile's: no longer the server's.
    assert run("profile", "sign-in", "--name", "ann") == (
        2,
        "",
        "ehdesk: The user name or password is wrong.\n",
    )
    assert run("profile", "sign-in", "--name", "nobody")[0] == 2
    monkeypatch.setenv("EHDESK_SERVER_PASSWORD", "a-new-password-1")
    monkeypatch.setenv("EHDESK_PASSWORD", "not the laptop's password")
    code, _, err = run("profile", "sign-in", "--name", "ann")
    assert code == 2 and err == "ehdesk: That password is not right for this worker.\n"
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    code, out, err = run("profile", "sign-in", "--name", "ann")
    assert (code, err) == (0, "")
    assert out.startswith(f'Signed "ann" in again to {served}. Sent 1 change, received ')
    assert run("sync", "--profile", "ann")[1].startswith("Sent 0 changes, received 0. Up to date at ")

    engine = create_engine(f"sqlite:///{tmp_path / 'server' / 'ehdesk-server.db'}")
    try:
        with engine.connect() as conn:
            assert list(conn.scalars(select(Device.id))) == [device_id]
            assert conn.scalar(select(func.count()).select_from(Family)) == 1
    finally:
        engine.dispose()

    assert server_main(["--data-dir", server_data, "admin", "revoke-device", "--name", "ann"]) == 0
    capsys.readouterr()
    assert run("profile", "sign-in", "--name", "ann") == (2, "", f"ehdesk: {REVOKED}\n")


def test_set_role_makes_a_worker_a_manager_and_says_when_the_laptop_follows(served, tmp_path, capsys):
    admin = ["--data-dir", str(tmp_path / "server"), "admin", "set-role", "--name"]
    assert server_main([*admin, " ann ", "--role", "manager"]) == 0
    assert capsys.readouterr().out == (
        '"ann" is now a manager (was a practitioner). Their laptops take the new role at their next sync.\n'
    )
    assert server_main([*admin, "ann", "--role", "manager"]) == 0
    assert capsys.readouterr().out == '"ann" is already a manager: nothing was changed.\n'
    users = ["--data-dir", str(tmp_path / "server"), "admin", "users"]
    assert server_main(users) == 0
    assert capsys.readouterr().out == "ann  manager       North\n"
    assert server_main([*users, "--team", "Nowhere"]) == 2
    assert 'There is no team called "Nowhere".' in capsys.readouterr().err
    assert server_main([*admin, "nobody", "--role", "admin"]) == 2
    assert 'There is no user called "nobody".' in capsys.readouterr().err
    with pytest.raises(SystemExit) as refused:
        server_main([*admin, "ann", "--role", "boss"])
    assert refused.value.code == 2
    assert "invalid choice: 'boss'" in capsys.readouterr().err


def test_move_user_says_what_follows_on_the_laptops(tmp_path, monkeypatch, capsys):
    data = str(tmp_path / "server")
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    for argv in (
        ["admin", "create-team", "--name", "North"],
        ["admin", "create-team", "--name", "South"],
        ["admin", "create-user", "--name", "ann", "--team", "North", "--role", "practitioner"],
    ):
        assert server_main(["--data-dir", data, *argv]) == 0
    capsys.readouterr()
    move = ["--data-dir", data, "admin", "move-user", "--name"]
    assert server_main([*move, "ann", "--team", "South"]) == 0
    assert capsys.readouterr().out == (
        '"ann" is now in team "South" (was "North"). At their next sync their laptops drop the old '
        "team's families and take the new team's. Anything they had not sent about the old team's "
        "families is refused and kept aside: see admin refused.\n"
    )
    assert server_main([*move, "ann", "--team", "South"]) == 0
    assert capsys.readouterr().out == '"ann" is already in team "South": nothing was changed.\n'
    assert server_main(["--data-dir", data, "admin", "users"]) == 0
    assert capsys.readouterr().out == "ann  practitioner  South\n"
    assert server_main([*move, "ann", "--team", "East"]) == 2
    assert 'There is no team called "East".' in capsys.readouterr().err


def test_disable_user_and_enable_user_say_what_they_did(served, tmp_path, capsys):
    admin = ["--data-dir", str(tmp_path / "server"), "admin"]
    assert server_main([*admin, "disable-user", "--name", "ann"]) == 0
    assert capsys.readouterr().out == (
        '"ann" can no longer sign in, and every session of their laptops has ended. What the laptops '
        "hold stays on them, encrypted: revoke-device --name ann --wipe removes it.\n"
    )
    assert server_main([*admin, "disable-user", "--name", "ann"]) == 0
    assert capsys.readouterr().out == '"ann" is already disabled: nothing was changed.\n'
    assert server_main([*admin, "users"]) == 0
    assert capsys.readouterr().out == "ann  practitioner  North  (disabled)\n"
    assert server_main([*admin, "enable-user", "--name", "ann"]) == 0
    assert capsys.readouterr().out == (
        '"ann" can sign in again; each laptop of theirs signs in again with their password.\n'
    )
    assert server_main([*admin, "enable-user", "--name", "ann"]) == 0
    assert capsys.readouterr().out == '"ann" is not disabled: nothing was changed.\n'


def test_admin_refused_lists_what_the_server_kept_aside_and_why(served, tmp_path, capsys):
    api = httpx.Client(base_url=served)
    signed = api.post("/v1/auth/sign-in", json={"schema_version": 3, "username": "ann", "password": PASSWORD})
    token, device_id = signed.json()["access_token"], signed.json()["device_id"]
    change = {
        "device_id": device_id,
        "seq": 1,
        "entity": "user_account",
        "row_id": "someone",
        "op": "insert",
        "fields": {"username": "mallory", "role": "admin"},
        "base_revision": 0,
        "changed_at": "0000000000001-00000-x",
    }
    pushed = api.post(
        "/v1/sync/push",
        json={"schema_version": 3, "device_id": device_id, "mutations": [change]},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert pushed.json()["results"][0]["status"] == "refused"
    admin = ["--data-dir", str(tmp_path / "server"), "admin", "refused"]
    assert server_main(admin) == 0
    line = capsys.readouterr().out
    assert line.endswith(
        f"  ann  laptop {device_id} change 1  user_account someone: Only an administrator changes teams and users.\n"
    )
    assert "mallory" not in line  # the change's contents stay in the database
    assert server_main([*admin, "--name", "ann"]) == 0
    assert capsys.readouterr().out == line
