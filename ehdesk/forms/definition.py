"""The form definition format: what a council writes (as JSON) to describe an assessment or a
form. Validated by pydantic so a mistake is caught when the file is loaded, not when a worker is
half-way through a visit.

A definition is identified by ``id`` and ``version``. A saved assessment records both, and old
versions stay on disk, so a council can change its form without breaking what was filled in."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FORMAT = "ehdesk-form"

QuestionType = Literal[
    "text",  # one line
    "long_text",  # a paragraph or more
    "date",  # ISO yyyy-mm-dd
    "yes_no",  # true / false
    "single_choice",  # one option code
    "multi_choice",  # a list of option codes
    "scale",  # an integer between scale.min and scale.max
    "signature",  # consent: {"agreed": bool, "name": str, "date": iso}
    "guidance",  # no answer; text shown to the worker (e.g. escalation steps)
]
CHOICE_TYPES = frozenset({"single_choice", "multi_choice"})
Repeat = Literal["none", "per_child", "per_adult", "everyone"]

ID_PATTERN = r"^[a-z][a-z0-9_]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Option(_Strict):
    code: str = Field(min_length=1)
    label: str = Field(min_length=1)


class Condition(_Strict):
    """Show something only when an earlier answer matches. Exactly one test is given.

    ``equals`` compares the answer (for a multiple choice: the option is among those ticked);
    ``any_of`` is true when the answer (or any ticked option) is in the list; ``answered`` is
    true when the question has any answer at all."""

    question: str = Field(pattern=ID_PATTERN)
    equals: str | bool | int | None = None
    any_of: list[str | int] | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _one_test(self) -> Condition:
        given = [n for n in ("equals", "any_of", "answered") if getattr(self, n) is not None]
        if len(given) != 1:
            raise ValueError("a condition needs exactly one of 'equals', 'any_of' or 'answered'")
        return self


class Scale(_Strict):
    min: int = 1
    max: int = 5
    low_label: str = ""
    high_label: str = ""

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if self.max <= self.min:
            raise ValueError("a scale's 'max' must be greater than its 'min'")
        if self.max - self.min > 20:
            raise ValueError("a scale may have at most 21 points")
        return self


class Question(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    type: QuestionType
    label: str = Field(min_length=1)
    help: str = ""
    required: bool = False
    options: list[Option] | None = None
    # The name of a list in the council pack (e.g. "early_help_criteria", "levels_of_need").
    options_from: str | None = None
    scale: Scale | None = None
    show_if: Condition | None = None
    # Only for guidance: when shown, nothing after it in the form applies (e.g. a child at risk
    # of significant harm goes to the safeguarding front door, not on through early help).
    stops_form: bool = False

    @model_validator(mode="after")
    def _consistent(self) -> Question:
        if self.type in CHOICE_TYPES:
            if (self.options is None) == (self.options_from is None):
                raise ValueError("a choice question needs either 'options' or 'options_from' (not both)")
            if self.options is not None:
                codes = [o.code for o in self.options]
                if not codes:
                    raise ValueError("'options' is empty")
                if len(set(codes)) != len(codes):
                    raise ValueError("two options share a code")
        elif self.options is not None or self.options_from is not None:
            raise ValueError(f"a {self.type} question cannot have options")
        if self.type == "scale" and self.scale is None:
            raise ValueError("a scale question needs 'scale' with 'min' and 'max'")
        if self.type != "scale" and self.scale is not None:
            raise ValueError(f"a {self.type} question cannot have a 'scale'")
        if self.stops_form and self.type != "guidance":
            raise ValueError("only a guidance item can stop the form")
        if self.type == "guidance" and self.required:
            raise ValueError("guidance has no answer, so it cannot be required")
        return self

    @property
    def answerable(self) -> bool:
        return self.type != "guidance"


class Section(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: str = Field(min_length=1)
    intro: str = ""
    # Ask the section's questions once per family member of the given kind.
    repeat: Repeat = "none"
    show_if: Condition | None = None
    questions: list[Question] = Field(min_length=1)


class FormDefinition(_Strict):
    format: Literal["ehdesk-form"]
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: int = Field(ge=1)
    title: str = Field(min_length=1)
    description: str = ""
    sections: list[Section] = Field(min_length=1)

    @model_validator(mode="after")
    def _references(self) -> FormDefinition:
        seen: dict[str, Section] = {}
        for si, section in enumerate(self.sections):
            if section.id in {s.id for s in self.sections[:si]}:
                raise ValueError(f"section id '{section.id}' is used twice")
            if section.show_if is not None:
                _check_condition(
                    section.show_if, seen, section, f"sections[{si}].show_if", same_section=False
                )
            local: dict[str, Section] = {}
            for qi, question in enumerate(section.questions):
                if question.id in seen or question.id in local:
                    raise ValueError(
                        f"question id '{question.id}' is used twice (sections[{si}].questions[{qi}])"
                    )
                if question.show_if is not None:
                    _check_condition(
                        question.show_if,
                        {**seen, **local},
                        section,
                        f"sections[{si}].questions[{qi}].show_if",
                        same_section=True,
                    )
                local[question.id] = section
            seen.update(local)
        return self

    def section(self, section_id: str) -> Section:
        for section in self.sections:
            if section.id == section_id:
                return section
        raise KeyError(section_id)

    def question(self, question_id: str) -> tuple[Section, Question]:
        for section in self.sections:
            for question in section.questions:
                if question.id == question_id:
                    return section, question
        raise KeyError(question_id)

    def questions(self) -> list[tuple[Section, Question]]:
        return [(s, q) for s in self.sections for q in s.questions]


def _check_condition(
    condition: Condition, earlier: dict[str, Section], here: Section, where: str, *, same_section: bool
) -> None:
    """A condition may only look back (so a form reads top to bottom), at a question with an
    answer, and a repeated section's question only at its own section or a non-repeated one."""
    owner = earlier.get(condition.question)
    if owner is None:
        raise ValueError(f"{where} refers to '{condition.question}', which is not an earlier question")
    question = next(q for q in owner.questions if q.id == condition.question)
    if not question.answerable:
        raise ValueError(f"{where} refers to '{condition.question}', which is guidance and has no answer")
    if owner.repeat != "none" and not (same_section and owner is here):
        raise ValueError(f"{where} refers to '{condition.question}' in a repeated section it is not part of")


def definition_schema() -> dict[str, Any]:
    """The JSON Schema councils can point an editor at."""
    return FormDefinition.model_json_schema()
