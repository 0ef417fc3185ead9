"""Importing a council's licensed item wording for a tool shipped as structure only (SCORE-15,
RCADS, Graded Care Profile 2). The wording never ships with ehdesk; a council that holds a licence
imports its file, which must match the tool exactly (same id, version and item count) so a wording
can never be laid over the wrong questionnaire."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from ehdesk.forms.tools.loader import ToolFileError, tool_file_error
from ehdesk.forms.tools.schema import ToolDef

WORDING_FORMAT = "ehdesk-tool-wording/1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemWording(_Strict):
    number: int = Field(ge=1)
    text: str = Field(min_length=1)
    short: str = ""


class Wording(_Strict):
    format: Literal["ehdesk-tool-wording/1"]
    tool: str
    version: int
    licence_note: str = ""
    scale_labels: dict[str, str] = Field(default_factory=dict)
    items: list[ItemWording]


def read_wording(path: Path, tool: ToolDef) -> Wording:
    name = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            raise ToolFileError(name, "", "it must hold one JSON object")
        wording = Wording.model_validate(data)
    except UnicodeDecodeError:
        raise ToolFileError(name, "", "it is not a text file (JSON in UTF-8)") from None
    except OSError:
        raise ToolFileError(name, "", "it could not be read") from None
    except json.JSONDecodeError as exc:
        raise ToolFileError(name, f"line {exc.lineno}", f"it is not valid JSON ({exc.msg})") from None
    except PydanticError as exc:
        raise tool_file_error(name, exc) from None
    if wording.tool != tool.id:
        raise ToolFileError(name, "tool", f"it is wording for {wording.tool!r}, not for {tool.id!r}")
    if wording.version != tool.version:
        raise ToolFileError(
            name, "version", f"it is for version {wording.version}, but the tool is version {tool.version}"
        )
    if len(wording.items) != len(tool.items):
        raise ToolFileError(
            name, "items", f"it has {len(wording.items)} items, but {tool.title} has {len(tool.items)}"
        )
    if sorted(i.number for i in wording.items) != list(range(1, len(tool.items) + 1)):
        raise ToolFileError(name, "items", "items must be numbered 1 to the item count, each once")
    for key in wording.scale_labels:
        if not key.lstrip("-").isdigit() or not tool.scale.min <= int(key) <= tool.scale.max:
            raise ToolFileError(name, f"scale_labels.{key}", "this is not a point on the tool's scale")
    return wording


def apply_wording(tool: ToolDef, wording: Wording) -> ToolDef:
    texts = {w.number: w for w in wording.items}
    items = [
        item.model_copy(update={"text": texts[item.number].text, "short": texts[item.number].short})
        for item in tool.items
    ]
    scale = tool.scale
    if wording.scale_labels:
        scale = scale.model_copy(update={"labels": dict(wording.scale_labels)})
    return tool.model_copy(update={"items": items, "scale": scale, "wording": "imported"})


def import_wording(source: Path, tool: ToolDef, wording_dir: Path) -> ToolDef:
    """Check ``source`` against ``tool`` and keep a copy in ``wording_dir`` for later sessions."""
    wording = read_wording(source, tool)
    wording_dir.mkdir(parents=True, exist_ok=True)
    target = wording_dir / f"{tool.id}-{tool.version}.json"
    target.write_text(wording.model_dump_json(indent=1), encoding="utf-8")
    return apply_wording(tool, wording)
