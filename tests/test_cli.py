"""The command-line contract (../shared/CLI.md): results on stdout, one plain line on errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from ehdesk import __version__
from ehdesk.cli import main
from tests.conftest import PASSWORD


@pytest.fixture
def run(monkeypatch, capsys, data_dir):
    def _run(*argv, password=PASSWORD):
        if password is None:
            monkeypatch.delenv("EHDESK_PASSWORD", raising=False)
        else:
            monkeypatch.setenv("EHDESK_PASSWORD", password)
        code = main(["--data-dir", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_profile_create_and_list(run):
    assert run("profile", "create", "--name", "Jo Pearce")[0] == 0
    code, out, _ = run("profile", "list")
    assert code == 0 and "Jo Pearce" in out
    code, out, _ = run("profile", "list", "--json")
    assert json.loads(out)[0]["name"] == "Jo Pearce"


def test_errors_are_one_plain_line_with_a_non_zero_exit(run):
    run("profile", "create", "--name", "Jo Pearce")
    cases = [
        (("profile", "create", "--name", "jo pearce"), "already exists"),
        (("family", "list", "--profile", "Nobody", "--json"), "no worker profile"),
        (("demo-data", "--profile", "Jo Pearce", "--families", "0"), "between 1 and 100000"),
    ]
    for argv, message in cases:
        code, _, err = run(*argv)
        assert code != 0
        assert message in err
        assert err.count("\n") == 1 and "Traceback" not in err
    code, _, err = run("family", "list", "--profile", "Jo Pearce", "--json", password="wrong password")
    assert code == 2 and err == "ehdesk: That password is not right for this worker.\n"


def test_no_password_and_no_terminal_is_a_clear_error(run, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    code, _, err = run("profile", "create", "--name", "Jo", password=None)
    assert code == 2 and "EHDESK_PASSWORD" in err


def test_demo_data_family_list_and_subject_access_export(run, tmp_path):
    run("profile", "create", "--name", "Jo Pearce")
    code, out, _ = run("demo-data", "--profile", "Jo Pearce", "--families", "40", "--seed", "7")
    assert code == 0 and "40" in out
    code, out, _ = run("family", "list", "--profile", "Jo Pearce", "--json")
    counted = json.loads(out)
    # By default no member's name is printed: how many there are.
    assert len(counted) == 40 and all(isinstance(f["members"], int) and f["members"] for f in counted)
    code, out, _ = run("family", "list", "--profile", "Jo Pearce", "--json", "--names")
    families = json.loads(out)
    assert len(families) == 40
    assert all(f["members"] and f["reference"].startswith("EH-") for f in families)
    assert [len(f["members"]) for f in families] == [f["members"] for f in counted]

    chosen = families[3]
    target = tmp_path / "sar.json"
    target.write_text("an older file, readable by every account")
    target.chmod(0o644)
    code, out, _ = run("export", "--profile", "Jo Pearce", "--family", chosen["id"], "--out", str(target))
    assert code == 0 and "not encrypted" in out
    # Personal data in plain text: only the worker's own account on the laptop may read it.
    assert target.stat().st_mode & 0o777 == 0o600
    code, _, _ = run(
        "pdf",
        "chronology",
        "--profile",
        "Jo Pearce",
        "--family",
        chosen["id"],
        "--out",
        str(tmp_path / "c.pdf"),
    )
    assert code == 0 and (tmp_path / "c.pdf").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if "partial" in p.name) == []
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert {f["id"] for f in exported["tables"]["family"]} == {chosen["id"]}
    names = {
        f"{p['given_name']} {p['family_name']}" for p in exported["tables"]["person"] if not p["deleted"]
    }
    assert names == set(chosen["members"])
    assert exported["tables"]["referral"]

    # The export itself is on the record, and so is each listing (with or without names).
    code, out, _ = run("export", "--profile", "Jo Pearce", "--out", str(tmp_path / "all.json"))
    everything = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))
    listings = [e for e in everything["tables"]["audit_event"] if e["entity"] == "family_list"]
    assert [(e["detail"]["families"], e["detail"]["names"]) for e in listings] == [(40, False), (40, True)]
    exports = [e for e in everything["tables"].get("audit_event", []) if e["action"] == "export"]
    assert exports and exports[0]["family_id"] == chosen["id"]


def test_export_to_a_missing_folder_is_refused(run, tmp_path):
    run("profile", "create", "--name", "Jo Pearce")
    code, _, err = run("export", "--profile", "Jo Pearce", "--out", str(tmp_path / "nope" / "x.json"))
    assert code == 2 and "does not exist" in err


def test_demo_data_is_deterministic_for_a_seed(run):
    run("profile", "create", "--name", "A")
    run("profile", "create", "--name", "B")
    run("demo-data", "--profile", "A", "--families", "15", "--seed", "3")
    # Made by two processes (``demo.parallel``): the same families.
    run("demo-data", "--profile", "B", "--families", "15", "--seed", "3", "--workers", "2")
    a = json.loads(run("family", "list", "--profile", "A", "--json", "--names")[1])
    b = json.loads(run("family", "list", "--profile", "B", "--json", "--names")[1])
    assert [(f["reference"], f["members"]) for f in a] == [(f["reference"], f["members"]) for f in b]
    assert {f["id"] for f in a}.isdisjoint({f["id"] for f in b})  # fresh ids: no sync collisions


def test_the_installed_command_never_prints_a_traceback(tmp_path):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ehdesk.cli",
            "--data-dir",
            str(tmp_path / "d"),
            "family",
            "list",
            "--profile",
            "X",
        ],
        capture_output=True,
        text=True,
        env={"PATH": "", "EHDESK_PASSWORD": "whatever1", "EHDESK_KDF_COST": "minimum"},
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip() == 'ehdesk: There is no worker profile called "X" on this computer.'


def test_the_usual_app_starts_read_their_arguments_as_argparse_does(monkeypatch):
    # `ehdesk` and `ehdesk --data-dir DIR` skip the argparse parser (start-up); the same values.
    from ehdesk import cli

    for argv in ([], ["--data-dir", "some/folder"], ["--data-dir=some/folder"], ["--data-dir=a=b"]):
        plain = cli._plain_app_arguments(argv)
        monkeypatch.setattr(cli, "_plain_app_arguments", lambda _argv: None)
        parsed = cli._app_arguments(argv)
        monkeypatch.undo()
        assert plain is not None and vars(plain) == vars(parsed), argv
    for argv in (
        ["--data-dir"],
        ["--data-dir", "-x"],
        ["--data-dir="],
        ["--demo"],
        ["--data-dir", "d", "--demo"],
    ):
        assert cli._plain_app_arguments(argv) is None, argv  # left to argparse


def test_more_wrong_input_is_one_plain_line(run):
    run("profile", "create", "--name", "Jo Pearce")
    cases = [
        # A seed goes into each family's reference: -1 made references like "EH--1000001".
        (
            ("demo-data", "--profile", "Jo Pearce", "--families", "1", "--seed", "-1"),
            "--seed must be between",
        ),
        (
            ("demo-data", "--profile", "Jo Pearce", "--families", "1", "--workers", "0"),
            "--workers must be between 1 and 16",
        ),
        # A pasted name with a line break made a profile listed over two lines.
        (("profile", "create", "--name", "Jo\nPearce"), "Type the name on one line"),
        # A malformed address was a ValueError from urlsplit.
        (("profile", "create", "--name", "Kim", "--server", "https://[::1"), "is not a web address"),
    ]
    for argv, message in cases:
        code, _, err = run(*argv)
        assert code == 2 and message in err, (argv, err)
        assert err.count("\n") == 1 and "Traceback" not in err
    assert [line for line in run("profile", "list")[1].splitlines()] == ["Jo Pearce"]


def test_a_command_group_given_no_action_says_which_there_are(capsys, data_dir):
    for group, actions in (
        ("family", "list"),
        ("tools", "list, import-wording, seal"),
        ("profile", "create, sign-in, list, change-password, recover"),
        (
            "pdf",
            "agreement, agreement-family, plan, meeting, assessment, progress, closure, chronology, verify",
        ),
    ):
        with pytest.raises(SystemExit) as exit_:
            main(["--data-dir", str(data_dir), group])
        assert exit_.value.code == 2
        err = capsys.readouterr().err
        assert err == f"ehdesk {group}: say what to do: {actions} (see 'ehdesk {group} --help').\n"
    assert not data_dir.exists()  # nothing was made
    with pytest.raises(SystemExit):  # other mistakes keep their own line
        main(["--data-dir", str(data_dir), "family", "list"])
    assert "required: --profile" in capsys.readouterr().err


def test_an_out_that_is_a_folder_is_refused_before_anything_is_done(run, tmp_path):
    run("profile", "create", "--name", "Jo Pearce")
    for argv, example in (
        (("export", "--profile", "Jo Pearce", "--out", str(tmp_path)), "export.json"),
        (("pdf", "plan", "--profile", "Jo Pearce", "--family", "x", "--out", str(tmp_path)), "plan.pdf"),
    ):
        code, _, err = run(*argv)
        assert code == 2, err
        assert (
            err
            == f"ehdesk: {tmp_path} is a folder, not a file: give a file name, for example {tmp_path / example}.\n"
        )
    assert not [p for p in tmp_path.iterdir() if p.suffix in (".json", ".pdf", ".partial")]  # no partial file


def test_a_file_the_system_refuses_is_named_with_its_reason(capsys):
    from ehdesk.errors_cli import run_reporting_errors

    def action():
        raise PermissionError(13, "Permission denied", "/srv/share/export.json")

    assert run_reporting_errors("ehdesk", action) == 1
    assert capsys.readouterr().err == (
        "ehdesk: Could not use /srv/share/export.json: Permission denied. Nothing further was changed.\n"
    )


NO_SCREEN = "ehdesk: The desktop app needs a screen and none was found (no DISPLAY or WAYLAND_DISPLAY, as over SSH); the commands work without one: see 'ehdesk --help'."


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland: Linux")
def test_the_app_over_ssh_says_it_needs_a_screen(tmp_path):
    # Qt found no display and aborted the process (exit 134) with its own lines.
    result = subprocess.run(
        [sys.executable, "-m", "ehdesk.cli", "--data-dir", str(tmp_path / "d")],
        capture_output=True,
        text=True,
        env={"PATH": "", "QT_QPA_PLATFORM": "", "XDG_RUNTIME_DIR": str(tmp_path)},
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (2, NO_SCREEN + "\n")


def test_only_a_session_with_certainly_no_screen_is_stopped(tmp_path):
    from ehdesk.errors import EhdeskError
    from ehdesk.ui.app import check_screen

    (tmp_path / "wayland-0").touch()
    for environ, platform in (
        ({}, "win32"),
        ({}, "darwin"),
        ({"DISPLAY": ":0"}, "linux"),
        ({"WAYLAND_DISPLAY": "wayland-1"}, "linux"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux"),  # the tests
        ({"QT_QPA_PLATFORM": "wayland;minimal"}, "linux"),
        ({"QT_QPA_PLATFORM": "eglfs"}, "freebsd14"),
        ({"XDG_SESSION_TYPE": "wayland", "XDG_RUNTIME_DIR": str(tmp_path)}, "linux"),
        ({"QT_QPA_PLATFORM": "wayland", "XDG_RUNTIME_DIR": str(tmp_path)}, "linux"),
    ):
        check_screen(environ, platform)  # left to Qt
    for environ in (
        {},
        {"QT_QPA_PLATFORM": ""},
        {"QT_QPA_PLATFORM": "xcb"},
        {"QT_QPA_PLATFORM": "wayland;xcb"},
        {"DISPLAY": ""},
        # Over SSH the desktop's Wayland socket may exist, but Qt tries X11 (session type tty).
        {"XDG_SESSION_TYPE": "tty", "XDG_RUNTIME_DIR": str(tmp_path)},
    ):
        with pytest.raises(EhdeskError) as error:
            check_screen(environ, "linux")
        assert "ehdesk: " + error.value.message == NO_SCREEN, environ


def test_profile_sign_in_asks_for_both_passwords_and_refuses_a_profile_without_a_server(run, monkeypatch):
    import getpass

    run("profile", "create", "--name", "Jo")
    asked = []

    def typed(prompt):
        asked.append(prompt)
        return PASSWORD if len(asked) == 1 else ""  # Enter: the server password is the same

    monkeypatch.setattr(getpass, "getpass", typed)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    code, out, err = run("profile", "sign-in", "--name", "Jo", password=None)
    assert asked == [
        'Password for "Jo" on this laptop: ',
        "Council server password (press Enter if it is the same): ",
    ]
    assert (code, out) == (2, "")
    assert err == 'ehdesk: "Jo" was made without a council server, so there is nothing to sign in to.\n'
