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

    def __init__(self, file: str, key: str, problem: str, names_key: bool = False) -> None:
        self.file, self.key, self.problem = file, key, problem
        where = f" at {key}" if key and not names_key else ""
        end = "" if problem.endswith((".", "?", "!")) else "."
        super().__init__(f"The tool file {file} cannot be used{where}: {problem}{end}")


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


def field_path(loc: tuple | list) -> str:
    """pydantic's location as someone editing the JSON finds it: ``items[2].id`` (the third
    entry of ``items``, counting from 0 as JSON editors and jq do)."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


_TYPES = {
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "string_type": "text in quotes",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list in [ ]",
    "dict_type": "an object in { }",
    "model_type": "an object in { }",
    "model_attributes_type": "an object in { }",
}
_PATTERNS = {"^[a-z0-9_]+$": "may use only small letters, digits and _"}


def _shown(value: object) -> str:
    """A value as the JSON has it: strings quoted (and cut short), others by kind."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    return "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "that"


def plain_problem(error: dict) -> tuple[str, str, bool]:
    """One of pydantic's errors as (key, plain sentence, whether the sentence names the key).
    The one place pydantic's own wording ("Field required", "Input should be ...") is turned
    into words a council IT officer editing the file can act on."""
    loc = tuple(error.get("loc", ()))
    kind, ctx, given = error.get("type", ""), error.get("ctx") or {}, error.get("input")
    key, where = field_path(loc), f"'{field_path(loc)}'"
    if kind == "value_error":  # the schema's own checks, already in plain words
        message = str(error.get("msg", "")).removeprefix("Value error, ")
        keyed = KEYED.match(message)
        if keyed:
            parts = (int(p) if p.isdigit() else p for p in keyed["key"].split("."))
            return field_path((*loc, *parts)), keyed["message"], False
        return key, message, False
    if kind == "missing":
        if len(loc) <= 1:
            return key, f"it is missing '{key}' (add it)", True
        return key, f"'{field_path(loc[:-1])}' is missing '{loc[-1]}' (add it)", True
    if kind == "extra_forbidden":
        return key, f"{where} is not something a tool file can have (check its spelling, or remove it)", True
    if kind in _TYPES:
        return key, f"{where} must be {_TYPES[kind]}, not {_shown(given)}", True
    if kind in ("literal_error", "enum"):
        return (
            key,
            f"{where} must be {ctx.get('expected', 'one of the allowed values')}, not {_shown(given)}",
            True,
        )
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        bound = {
            "greater_than_equal": ("ge", "at least"),
            "greater_than": ("gt", "more than"),
            "less_than_equal": ("le", "at most"),
            "less_than": ("lt", "less than"),
        }[kind]
        return key, f"{where} must be {bound[1]} {ctx.get(bound[0])}, not {_shown(given)}", True
    if kind in ("string_too_short", "too_short"):
        least = ctx.get("min_length", 1)
        if kind == "string_too_short":
            return (
                key,
                f"{where} must not be empty" if least == 1 else f"{where} needs at least {least} characters",
                True,
            )
        return key, f"{where} must have at least {least} entr{'y' if least == 1 else 'ies'}", True
    if kind in ("string_too_long", "too_long"):
        most = ctx.get("max_length")
        unit = "characters" if kind == "string_too_long" else "entries"
        return key, f"{where} may have at most {most} {unit}", True
    if kind == "string_pattern_mismatch":
        rule = _PATTERNS.get(str(ctx.get("pattern")), "is not in the form it must have")
        return key, f"{where} {rule}, not {_shown(given)}", True
    return key, f"{where} cannot be {_shown(given)}", True


def tool_file_error(file: str, exc: PydanticError) -> ToolFileError:
    """The first thing wrong with a tool (or wording) file, in plain words."""
    key, problem, names_key = plain_problem(exc.errors()[0])
    return ToolFileError(file, key, problem, names_key)


def parse_tool(data: object, file: str) -> ToolDef:
    if not isinstance(data, dict):
        raise ToolFileError(file, "", "it must hold one JSON object")
    try:
        tool = ToolDef.model_validate(data)
    except PydanticError as exc:
        raise tool_file_error(file, exc) from None
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
