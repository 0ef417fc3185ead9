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
