"""Reading tool definition files, refusing malformed or tampered ones with a message that names
the file and the key at fault, while every valid tool beside them still loads."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError as PydanticError

from ehdesk.errors import EhdeskError
from ehdesk.forms.tools.schema import KEYED, ToolDef


class ToolFileError(EhdeskError):
    """A tool (or wording) file that cannot be used. ``file`` and ``key`` say where the fault is."""

    def __init__(self, file: str, key: str, problem: str) -> None:
        self.file, self.key, self.problem = file, key, problem
        where = f" at {key}" if key else ""
        super().__init__(f"The tool file {file} cannot be used{where}: {problem}")


def fingerprint(data: dict) -> str:
    """SHA-256 of a definition's content (everything but the ``integrity`` field itself)."""
    body = {k: v for k, v in data.items() if k != "integrity"}
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def seal(data: dict) -> dict:
    """The definition with its integrity field set (run when publishing a tool file)."""
    return {**data, "integrity": fingerprint(data)}


def seal_file(path: Path) -> ToolDef:
    """Check a tool file someone has written or changed on purpose, then stamp its checksum."""
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolFileError(path.name, f"line {exc.lineno}", f"it is not valid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise ToolFileError(path.name, "", "it must hold one JSON object")
    data.pop("integrity", None)
    sealed = seal(data)
    tool = parse_tool(sealed, path.name)
    path.write_text(json.dumps(sealed, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return tool


def _key(loc: tuple) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def parse_tool(data: object, file: str) -> ToolDef:
    if not isinstance(data, dict):
        raise ToolFileError(file, "", "it must hold one JSON object")
    try:
        tool = ToolDef.model_validate(data)
    except PydanticError as exc:
        first = exc.errors()[0]
        message = first["msg"].removeprefix("Value error, ")
        key = _key(first["loc"])
        keyed = KEYED.match(message)
        if keyed:
            key = ".".join(p for p in (_key(first["loc"]) if first["loc"] else "", keyed["key"]) if p)
            message = keyed["message"]
        raise ToolFileError(file, key, message) from None
    if tool.integrity and tool.integrity != fingerprint(data):
        raise ToolFileError(
            file,
            "integrity",
            "its content has been changed since it was published (the checksum does not match)",
        )
    return tool


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ToolFileError(path.name, "", "it is not a text file (JSON in UTF-8)") from None
    except OSError as exc:
        raise ToolFileError(
            path.name, "", f"it could not be read ({exc.strerror or type(exc).__name__})"
        ) from None


def load_tool(path: Path, require_integrity: bool = False) -> ToolDef:
    text = _read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ToolFileError(path.name, f"line {exc.lineno}", f"it is not valid JSON ({exc.msg})") from None
    tool = parse_tool(data, path.name)
    if require_integrity and not tool.integrity:
        # Removing the checksum must not be a way round it.
        raise ToolFileError(path.name, "integrity", "it has no checksum, so it may have been changed by hand")
    return tool


@dataclass
class ToolSet:
    tools: dict[tuple[str, int], ToolDef] = field(default_factory=dict)
    errors: list[ToolFileError] = field(default_factory=list)

    def get(self, tool_id: str, version: int | None = None) -> ToolDef:
        if version is None:
            versions = [v for (i, v) in self.tools if i == tool_id]
            if not versions:
                raise KeyError(tool_id)
            version = max(versions)
        return self.tools[(tool_id, version)]

    def latest(self) -> list[ToolDef]:
        """The newest version of each tool, in title order (what a worker chooses from)."""
        newest: dict[str, ToolDef] = {}
        for tool in self.tools.values():
            if tool.id not in newest or tool.version > newest[tool.id].version:
                newest[tool.id] = tool
        return sorted(newest.values(), key=lambda t: t.title.lower())


def load_directory(directory: Path, into: ToolSet | None = None, require_integrity: bool = True) -> ToolSet:
    """Every tool file in ``directory``; files that cannot be used are listed in ``errors``.
    Published tool folders require the integrity checksum (``ehdesk tools seal`` adds it)."""
    found = into or ToolSet()
    if not directory.is_dir():
        return found
    for path in sorted(directory.glob("*.json")):
        try:
            tool = load_tool(path, require_integrity)
        except ToolFileError as exc:
            found.errors.append(exc)
            continue
        if tool.key in found.tools:
            found.errors.append(
                ToolFileError(path.name, "version", f"{tool.id} version {tool.version} is defined twice")
            )
            continue
        found.tools[tool.key] = tool
    return found
