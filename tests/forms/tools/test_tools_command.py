"""``ehdesk tools``: list the tools; import licensed wording, refusing a mismatched file."""

from __future__ import annotations

import json

from ehdesk.cli import main
from ehdesk.forms.tools import registry


def test_list_then_import_wording(tmp_path, capsys):
    data_dir = tmp_path / "cli-data"
    assert main(["--data-dir", str(data_dir), "tools", "list"]) == 0
    assert "score15 v1\tSCORE-15\t15 items\twording not included" in capsys.readouterr().out

    wording = tmp_path / "score15-wording.json"
    items = [{"number": n, "text": f"Licensed statement {n}"} for n in range(1, 16)]
    wording.write_text(
        json.dumps({"format": "ehdesk-tool-wording/1", "tool": "score15", "version": 1, "items": items})
    )
    assert (
        main(["--data-dir", str(data_dir), "tools", "import-wording", str(wording), "--tool", "rcads"]) == 2
    )
    assert "wording for 'score15', not for 'rcads'" in capsys.readouterr().err

    assert (
        main(["--data-dir", str(data_dir), "tools", "import-wording", str(wording), "--tool", "score15"]) == 0
    )
    assert registry.tool("score15").items[0].display() == "Licensed statement 1"
    assert (data_dir / "tool-wording" / "score15-1.json").is_file()
    registry.use_data_dir(tmp_path / "another-laptop")
    assert registry.tool("score15").items[0].display() == "Item 1"
    registry.use_data_dir(None)


def test_a_commands_own_version_option_is_not_taken_for_the_apps(tmp_path, capsys):
    # `ehdesk ... --version 1` printed "ehdesk 0.1.0" and exited 0 without importing anything.
    data_dir = tmp_path / "cli-data"
    wording = tmp_path / "score15-wording.json"
    items = [{"number": n, "text": f"Licensed statement {n}"} for n in range(1, 16)]
    wording.write_text(
        json.dumps({"format": "ehdesk-tool-wording/1", "tool": "score15", "version": 1, "items": items})
    )
    base = ["--data-dir", str(data_dir), "tools", "import-wording", str(wording), "--tool", "score15"]
    try:
        assert main([*base, "--version", "9"]) == 2
        assert capsys.readouterr().err == (
            "ehdesk: The tool 'score15' has no version 9 (see: ehdesk tools list).\n"
        )
        assert main([*base, "--version", "1"]) == 0
        assert "Imported the licensed wording of SCORE-15 version 1" in capsys.readouterr().out
    finally:
        registry.use_data_dir(None)


def test_files_that_are_not_tool_files_are_one_plain_line(tmp_path, capsys):
    binary = tmp_path / "scan.pdf"
    binary.write_bytes(b"%PDF-1.7\n\xff\xfe\x00")
    listed = tmp_path / "list.json"
    listed.write_text("[]")
    data_dir = str(tmp_path / "cli-data")
    try:
        for argv, message in (
            (
                ["tools", "seal", str(binary)],
                "scan.pdf cannot be used: it is not a text file (JSON in UTF-8)",
            ),
            (["tools", "import-wording", str(listed), "--tool", "score15"], "it must hold one JSON object"),
            (["tools", "seal", str(tmp_path)], "is a folder: give the JSON file in it."),
        ):
            assert main(["--data-dir", data_dir, *argv]) == 2, argv
            err = capsys.readouterr().err
            assert message in err and err.count("\n") == 1, err
    finally:
        registry.use_data_dir(None)
    assert binary.read_bytes() == b"%PDF-1.7\n\xff\xfe\x00"


def test_a_wording_file_with_a_wrong_field_is_one_plain_line_naming_it(tmp_path, capsys):
    wording = tmp_path / "wording.json"
    items = [{"number": n, "text": f"Statement {n}"} for n in range(1, 16)]
    items[3].pop("text")
    wording.write_text(
        json.dumps({"format": "ehdesk-tool-wording/1", "tool": "score15", "version": 1, "items": items})
    )
    try:
        code = main(
            [
                "--data-dir",
                str(tmp_path / "cli-data"),
                "tools",
                "import-wording",
                str(wording),
                "--tool",
                "score15",
            ]
        )
    finally:
        registry.use_data_dir(None)
    assert code == 2
    err = capsys.readouterr().err
    assert (
        err == "ehdesk: The tool file wording.json cannot be used: 'items[3]' is missing 'text' (add it).\n"
    )
