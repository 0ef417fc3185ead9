"""Agreement templates: versioned JSON files in ``resources/agreements/`` written in plain words,
validated here, and filled from the record. Filling gives plain data (the "frozen content") that
is stored word for word once the agreement is signed, so a later change to a template never
changes what a family signed."""

from __future__ import annotations

import json
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field
from pydantic import ValidationError as PydanticError

from ehdesk.errors import EhdeskError, NotFound
from ehdesk.paths import resources_dir

PLACEHOLDERS = (
    "family_name",
    "members",
    "worker_name",
    "council_name",
    "agencies",
    "review_date",
    # From the council pack (practice.agreement): what the agreement must tell the family.
    "short_term_limit",
    "working_hours",
    "team_phone",
    "out_of_hours",
)
# A bullet that is exactly one of these becomes the pack's list, one bullet per item.
LIST_PLACEHOLDERS = ("{worker_will}", "{worker_will_not}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Section(_Strict):
    heading: str
    paragraphs: list[str] = Field(default_factory=list)
    bullets: list[str] = Field(default_factory=list)


class AgreementTemplate(_Strict):
    format: str = Field(pattern="^ehdesk-agreement-template$")
    id: str
    version: int = Field(ge=1)
    title: str
    intro: str
    sections: list[Section] = Field(min_length=1)
    declaration: str
    # A council may hold the same template (same id and version) in a family's language: the
    # family's copy prints in it and the office copy keeps it beside the English.
    language: str = "English"
    # A translation also carries the month names dates print with (as in "5 March": the form a
    # date takes in a sentence) and the words around the agreed text (LABELS); English uses the
    # defaults in ehdesk.pdf.agreement.
    months: list[str] = Field(default_factory=list, max_length=12)
    labels: dict[str, str] = Field(default_factory=dict)


class _Fields(dict):
    """Unknown placeholders stay visible instead of raising, so a typo in a council's template
    shows on the page rather than stopping a worker on a doorstep."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@lru_cache(maxsize=1)
def all_templates() -> tuple[AgreementTemplate, ...]:
    found = []
    for path in sorted((resources_dir() / "agreements").glob("*.json")):
        try:
            found.append(AgreementTemplate.model_validate(json.loads(path.read_text(encoding="utf-8"))))
        except (ValueError, PydanticError) as exc:
            raise EhdeskError(
                f"The agreement template {path.name} is not valid: fix the council pack."
            ) from exc
    return tuple(found)


BASE_LANGUAGE = "English"


def latest_template(template_id: str = "early_help_agreement") -> AgreementTemplate:
    versions = [t for t in all_templates() if t.id == template_id and t.language == BASE_LANGUAGE]
    if not versions:
        raise NotFound("This council pack has no early help agreement template.")
    return max(versions, key=lambda t: t.version)


def get_template(template_id: str, version: int) -> AgreementTemplate:
    for t in all_templates():
        if t.id == template_id and t.version == version and t.language == BASE_LANGUAGE:
            return t
    raise NotFound("The agreement template this draft was made from is not in this council pack.")


def translation(template_id: str, version: int, language: str) -> AgreementTemplate | None:
    """The same template in ``language``, if the council's pack holds it."""
    if not language or language.strip().casefold() == BASE_LANGUAGE.casefold():
        return None
    for t in all_templates():
        if (
            t.id == template_id
            and t.version == version
            and t.language.casefold() == language.strip().casefold()
        ):
            return t
    return None


def date_words(day, months: list[str] | None = None) -> str:
    """``5 March 2027``, with the translation's month names where it has them."""
    if months and len(months) == 12:
        return f"{day.day} {months[day.month - 1]} {day.year}"
    from ehdesk.config.dates import show_date

    return show_date(day)  # English: the pack's one date style


def fill(template: AgreementTemplate, fields: dict[str, str | list[str]]) -> dict:
    """The template with every placeholder replaced: {title, intro, sections, declaration}."""
    values = _Fields(fields)
    return {
        "title": template.title.format_map(values),
        "intro": template.intro.format_map(values),
        "sections": [
            {
                "heading": s.heading.format_map(values),
                "paragraphs": [p.format_map(values) for p in s.paragraphs],
                "bullets": [
                    item
                    for b in s.bullets
                    for item in (
                        list(fields.get(b.strip()[1:-1], []))
                        if b.strip() in LIST_PLACEHOLDERS
                        else [b.format_map(values)]
                    )
                ],
            }
            for s in template.sections
        ],
        "declaration": template.declaration.format_map(values),
    }


def content_as_text(content: dict) -> str:
    """The filled agreement as plain text (what the tab shows and tests compare)."""
    lines = [content["title"], "", content["intro"], ""]
    for s in content["sections"]:
        lines.append(s["heading"])
        lines.extend(s["paragraphs"])
        lines.extend(f"• {b}" for b in s["bullets"])
        lines.append("")
    lines.append(content["declaration"])
    return "\n".join(lines)
