"""The tools available on this laptop: those shipped in ``resources/tools/``, each overlaid with
a council's imported wording where there is one. Loaded once per process."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from ehdesk.forms.tools.loader import ToolFileError, ToolSet, load_directory
from ehdesk.forms.tools.schema import ToolDef
from ehdesk.forms.tools.wording import apply_wording, import_wording, read_wording
from ehdesk.paths import default_data_dir, resources_dir


def tools_dir() -> Path:
    return resources_dir() / "tools"


_data_dir: Path | None = None


def use_data_dir(data_dir: Path | None) -> None:
    """Where this process keeps its data (``--data-dir``); imported wording lives beside it.
    None goes back to the default data folder."""
    global _data_dir
    _data_dir = Path(data_dir) if data_dir else None
    available.cache_clear()


def wording_dir() -> Path:
    override = os.environ.get("EHDESK_TOOL_WORDING")
    if override:
        return Path(override)
    return (_data_dir or default_data_dir()) / "tool-wording"


def load_all(directory: Path | None = None, wording: Path | None = None) -> ToolSet:
    found = load_directory(directory or tools_dir())
    wording = wording or wording_dir()
    for key, tool in list(found.tools.items()):
        path = wording / f"{tool.id}-{tool.version}.json"
        if path.is_file():
            try:
                found.tools[key] = apply_wording(tool, read_wording(path, tool))
            except ToolFileError as exc:
                found.errors.append(exc)  # the tool stays usable, as "Item n"
    return found


@lru_cache(maxsize=1)
def available() -> ToolSet:
    return load_all()


def import_file(source: Path, tool_id: str, version: int | None = None) -> ToolDef:
    """Import a council's licensed wording for a shipped tool; later loads show it."""
    base = load_directory(tools_dir()).get(tool_id, version)  # without any earlier wording
    imported = import_wording(source, base, wording_dir())
    available.cache_clear()
    return imported


def tool(tool_id: str, version: int | None = None) -> ToolDef:
    return available().get(tool_id, version)


def reload() -> ToolSet:
    available.cache_clear()
    return available()
