"""Loading tool files: malformed or tampered files name the file and key; valid ones still load;
licensed wording imports only onto the matching tool."""

from __future__ import annotations

import json
import shutil

import pytest

from ehdesk.forms.tools.loader import ToolFileError, load_directory, load_tool, seal_file
from ehdesk.forms.tools.registry import load_all, tools_dir
from ehdesk.forms.tools.wording import import_wording


@pytest.fixture
def tool_dir(tmp_path):
    target = tmp_path / "tools"
    shutil.copytree(tools_dir(), target)
    return target


def edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_shipped_tools_all_load_without_errors():
    found = load_all()
    assert found.errors == []
    assert {t.id for t in found.latest()} == {
        "family_spider",
        "child_wellbeing",
        "family_self_score",
        "score15",
        "rcads",
        "gcp2_grades",
    }
    spider = found.get("family_spider")
    assert 8 <= len(spider.items) <= 10 and (spider.scale.min, spider.scale.max) == (1, 10)


def test_tampered_file_is_refused_naming_integrity_and_others_still_load(tool_dir):
    edit(tool_dir / "score15-1.json", lambda d: d["items"][0].update(reverse=False))
    found = load_directory(tool_dir)
    assert len(found.errors) == 1
    error = found.errors[0]
    assert (error.file, error.key) == ("score15-1.json", "integrity")
    assert "changed since it was published" in str(error)
    assert ("score15", 1) not in found.tools and ("rcads", 1) in found.tools


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: d["scale"].update(max=0), "scale", "must be above its min"),
        (lambda d: d["items"][2].pop("id"), "items[2].id", "'items[2]' is missing 'id'"),
        (lambda d: d["subscales"][0]["items"].append("i99"), "subscales[0].items", "does not exist: 'i99'"),
        (lambda d: d.update(about="dog"), "about", "'family', 'child' or 'parent'"),
        (lambda d: d["items"][0].update(text="Leaked wording"), "wording", "marked not included"),
        (lambda d: d["items"][3].update(number=3), "items", "numbered 1, 2, 3"),
    ],
)
def test_malformed_file_names_the_key(tool_dir, change, key, words):
    path = tool_dir / "score15-1.json"
    edit(path, lambda d: (d.pop("integrity"), change(d)))
    with pytest.raises(ToolFileError) as err:
        load_tool(path)
    assert err.value.file == "score15-1.json"
    assert err.value.key == key
    assert words in str(err.value)


@pytest.mark.parametrize(
    ("change", "line"),
    [
        (lambda d: d.pop("format"), "it is missing 'format' (add it)."),
        (lambda d: d["scale"].update(max="abc"), "'scale.max' must be a whole number, not 'abc'."),
        (lambda d: d.update(items={}), "'items' must be a list in [ ], not an object."),
        (lambda d: d.update(about="dog"), "'about' must be 'family', 'child' or 'parent', not 'dog'."),
        (
            lambda d: d["items"][3].update(colour="red"),
            "'items[3].colour' is not something a tool file can have",
        ),
        (
            lambda d: d["items"][0].update(id="Item 1"),
            "'items[0].id' may use only small letters, digits and _",
        ),
        (lambda d: d.update(version=0), "'version' must be at least 1, not 0."),
    ],
)
def test_pydantics_wording_becomes_a_plain_line_naming_the_field(tool_dir, change, line):
    path = tool_dir / "score15-1.json"
    edit(path, lambda d: (d.pop("integrity"), change(d)))
    with pytest.raises(ToolFileError) as err:
        load_tool(path)
    message = str(err.value)
    assert message == f"The tool file score15-1.json cannot be used: {line}" or line in message, message
    assert "Field required" not in message and "Input should" not in message and "\n" not in message


def test_broken_json_names_the_line(tool_dir):
    (tool_dir / "broken.json").write_text('{"format": "ehdesk-tool/1",\n "id": }', encoding="utf-8")
    found = load_directory(tool_dir)
    assert [(e.file, e.key) for e in found.errors] == [("broken.json", "line 2")]
    assert len(found.tools) == 6


def wording_file(tmp_path, **overrides):
    data = {
        "format": "ehdesk-tool-wording/1",
        "tool": "score15",
        "version": 1,
        "items": [{"number": n, "text": f"Licensed statement {n}"} for n in range(1, 16)],
    }
    data.update(overrides)
    path = tmp_path / "wording.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_licensed_wording_import_replaces_item_n(tmp_path):
    target = tmp_path / "wording-store"
    tool = load_all().get("score15")
    assert tool.items[0].display() == "Item 1"
    imported = import_wording(wording_file(tmp_path), tool, target)
    assert imported.items[0].display() == "Licensed statement 1"
    reloaded = load_all(wording=target).get("score15")
    assert reloaded.wording == "imported" and reloaded.items[14].display() == "Licensed statement 15"


@pytest.mark.parametrize(
    ("overrides", "key"),
    [
        ({"tool": "rcads"}, "tool"),
        ({"version": 2}, "version"),
        ({"items": [{"number": n, "text": "x"} for n in range(1, 15)]}, "items"),
    ],
)
def test_wording_for_another_tool_is_refused(tmp_path, overrides, key):
    tool = load_all().get("score15")
    with pytest.raises(ToolFileError) as err:
        import_wording(wording_file(tmp_path, **overrides), tool, tmp_path / "store")
    assert err.value.key == key
    assert not (tmp_path / "store").exists()


def test_removing_the_checksum_is_no_way_round_it_and_seal_restamps(tool_dir):
    path = tool_dir / "rcads-1.json"
    edit(path, lambda d: (d.pop("integrity"), d["items"][0].update(reverse=True)))
    found = load_directory(tool_dir)
    assert [(e.file, e.key) for e in found.errors] == [("rcads-1.json", "integrity")]
    assert "no checksum" in str(found.errors[0])
    seal_file(path)  # a council changing a tool on purpose re-seals it
    found = load_directory(tool_dir)
    assert found.errors == [] and found.get("rcads").items[0].reverse is True
