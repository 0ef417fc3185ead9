"""Loading form definitions from ``resources/forms/``.

Layout: ``resources/forms/<form-id>/v<version>.json``. Old versions stay beside the new one so
assessments filled against them still open and print. A broken file is reported (file and key or
line) and skipped; the valid forms still load, so one bad edit never stops the app starting."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import EhdeskError, NotFound
from ehdesk.forms.definition import CHOICE_TYPES, FormDefinition
from ehdesk.paths import resources_dir

log = logging.getLogger(__name__)


class FormDefinitionError(EhdeskError):
    """A definition file that cannot be used; the message names the file and where."""


def forms_dir() -> Path:
    return resources_dir() / "forms"


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the top level"


def _line_of(text: str, loc: tuple) -> int | None:
    """Best effort: the line of the last named key on the error's path, found by walking the
    path through the text in order (enough to point a council officer at the right place)."""
    pos = 0
    line = None
    for part in loc:
        if isinstance(part, int):
            continue
        found = text.find(f'"{part}"', pos)
        if found < 0:
            break
        pos = found
        line = text.count("\n", 0, found) + 1
    return line


def parse_definition(text: str, source: str, pack: CouncilPack | None = None) -> FormDefinition:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FormDefinitionError(
            f"The form definition {source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    try:
        definition = FormDefinition.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
        message = first["msg"].removeprefix("Value error, ")
        if not loc:  # a whole-form check: its message names the place itself
            raise FormDefinitionError(f"The form definition {source} is wrong: {message}.") from None
        line = _line_of(text, loc)
        at = f"line {line}, key {_where(loc)}" if line else f"key {_where(loc)}"
        raise FormDefinitionError(f"The form definition {source} is wrong at {at}: {message}.") from None
    if pack is not None:
        _check_pack_lists(definition, pack, source, text)
    return definition


def _check_pack_lists(definition: FormDefinition, pack: CouncilPack, source: str, text: str) -> None:
    for si, section in enumerate(definition.sections):
        for qi, question in enumerate(section.questions):
            if question.type in CHOICE_TYPES and question.options_from is not None:
                items = getattr(pack, question.options_from, None)
                if not isinstance(items, list) or not items or not hasattr(items[0], "label"):
                    loc = ("sections", si, "questions", qi, "options_from")
                    raise FormDefinitionError(
                        f"The form definition {source} is wrong at key {_where(loc)}: the council pack has "
                        f"no list called '{question.options_from}'."
                    )


def load_definition_file(path: Path, pack: CouncilPack | None = None) -> FormDefinition:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FormDefinitionError(f"The form definition {path} cannot be read ({exc.strerror}).") from None
    except UnicodeDecodeError:
        raise FormDefinitionError(f"The form definition {path} is not UTF-8 text.") from None
    return parse_definition(text, str(path), pack)


@dataclass
class FormLibrary:
    """Every valid definition found, by (id, version), and what was wrong with the rest."""

    definitions: dict[tuple[str, int], FormDefinition] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def get(self, form_id: str, version: int) -> FormDefinition:
        try:
            return self.definitions[(form_id, version)]
        except KeyError:
            raise NotFound(
                f"Version {version} of the form '{form_id}' is not installed on this laptop."
            ) from None

    def latest(self, form_id: str) -> FormDefinition:
        versions = [v for (fid, v) in self.definitions if fid == form_id]
        if not versions:
            raise NotFound(f"The form '{form_id}' is not installed on this laptop.")
        return self.definitions[(form_id, max(versions))]

    def current_forms(self) -> list[FormDefinition]:
        """The newest version of each form, by title: what a worker may start."""
        ids = sorted({fid for fid, _ in self.definitions})
        return sorted((self.latest(fid) for fid in ids), key=lambda d: d.title)


def load_library(directory: Path | None = None, pack: CouncilPack | None = None) -> FormLibrary:
    directory = directory or forms_dir()
    library = FormLibrary()
    if not directory.is_dir():
        return library
    for path in sorted(directory.rglob("*.json")):
        try:
            definition = load_definition_file(path, pack)
        except FormDefinitionError as exc:
            library.errors.append(exc.message)
            log.warning("%s", exc.message)  # a path and a key: no personal data
            continue
        key = (definition.id, definition.version)
        if key in library.definitions:
            message = (
                f"The form definition {path} repeats form '{definition.id}' version {definition.version}."
            )
            library.errors.append(message)
            log.warning("%s", message)
            continue
        library.definitions[key] = definition
    return library


@lru_cache(maxsize=1)
def default_library() -> FormLibrary:
    """The forms shipped (and installed by the council) under ``resources/forms``."""
    return load_library(forms_dir(), current_pack())
