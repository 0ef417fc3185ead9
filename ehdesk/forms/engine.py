"""The form engine: given a definition, the family's members and the answers so far, which
questions are shown, which are missing or wrong, and how far along the form is.

Answers are one flat dict. A question asked once is keyed by its id; a question in a repeated
section is keyed ``"<question id>@<member id>"``. Hidden questions are never required, and a
guidance item that stops the form hides everything after it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ehdesk.config.dates import show_date
from ehdesk.config.pack import CouncilPack
from ehdesk.forms.definition import Condition, FormDefinition, Option, Question, Section


@dataclass(frozen=True)
class Member:
    id: str
    name: str
    role: str  # child | adult


@dataclass(frozen=True)
class Item:
    """One question as it appears in a filled form (a repeated question appears per member)."""

    section: Section
    question: Question
    member: Member | None
    key: str


@dataclass(frozen=True)
class Progress:
    answered: int
    required: int
    answered_required: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.required == 0 else self.answered_required / self.required

    @property
    def percent(self) -> int:
        return int(round(self.fraction * 100))


def answer_key(question_id: str, member: Member | None) -> str:
    return question_id if member is None else f"{question_id}@{member.id}"


def is_empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | dict):
        if isinstance(value, dict) and "agreed" in value:
            return not value.get("agreed")
        return not value
    return False


_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class FormEngine:
    def __init__(self, definition: FormDefinition, members: list[Member], pack: CouncilPack | None = None):
        self.definition = definition
        self.members = list(members)
        self.pack = pack

    # --- options -------------------------------------------------------------------------
    def options(self, question: Question) -> list[Option]:
        if question.options is not None:
            return list(question.options)
        if question.options_from and self.pack is not None:
            items = getattr(self.pack, question.options_from, [])
            return [Option(code=str(i.code), label=i.label) for i in items]
        return []

    def option_label(self, question: Question, code: Any) -> str:
        for option in self.options(question):
            if option.code == str(code):
                return option.label
        return str(code)

    # --- structure -----------------------------------------------------------------------
    def instances(self, section: Section) -> list[Member | None]:
        if section.repeat == "none":
            return [None]
        wanted = {"per_child": {"child"}, "per_adult": {"adult"}, "everyone": {"child", "adult"}}[
            section.repeat
        ]
        return [m for m in self.members if m.role in wanted]

    def all_items(self) -> list[Item]:
        return [
            Item(section, question, member, answer_key(question.id, member))
            for section in self.definition.sections
            for member in self.instances(section)
            for question in section.questions
        ]

    def _holds(self, condition: Condition, answers: dict, member: Member | None) -> bool:
        _, target = self.definition.question(condition.question)
        owner, _ = self.definition.question(condition.question)
        value = answers.get(answer_key(condition.question, member if owner.repeat != "none" else None))
        if condition.answered is not None:
            return (not is_empty(value)) == condition.answered
        if target.type == "multi_choice":
            ticked = {str(v) for v in value or []}
            wanted = (
                {str(condition.equals)}
                if condition.equals is not None
                else {str(v) for v in condition.any_of}
            )
            return bool(ticked & wanted)
        if condition.equals is not None:
            if isinstance(condition.equals, bool) or isinstance(value, bool):
                return value is condition.equals
            return value is not None and str(value) == str(condition.equals)
        return value is not None and str(value) in {str(v) for v in condition.any_of}

    def walk(self, answers: dict) -> tuple[list[Item], Item | None]:
        """The items shown for these answers, in order, and the guidance that stopped the form
        (None if it runs to the end)."""
        shown: list[Item] = []
        for section in self.definition.sections:
            if section.show_if is not None and not self._holds(section.show_if, answers, None):
                continue
            for member in self.instances(section):
                for question in section.questions:
                    if question.show_if is not None and not self._holds(question.show_if, answers, member):
                        continue
                    item = Item(section, question, member, answer_key(question.id, member))
                    shown.append(item)
                    if question.stops_form:
                        return shown, item
        return shown, None

    def visible_keys(self, answers: dict) -> set[str]:
        return {item.key for item in self.walk(answers)[0]}

    def stopped_by(self, answers: dict) -> Item | None:
        return self.walk(answers)[1]

    # --- checking ------------------------------------------------------------------------
    def check_value(self, question: Question, value: Any) -> str | None:
        """Why this (non-empty) value is not a valid answer, or None."""
        t = question.type
        if t in ("text", "long_text"):
            return None if isinstance(value, str) else "Type the answer as text."
        if t == "date":
            if not isinstance(value, str) or not _ISO.match(value):
                return "Enter a date."
            try:
                date.fromisoformat(value)
            except ValueError:
                return "That date does not exist."
            return None
        if t == "yes_no":
            return None if isinstance(value, bool) else "Choose yes or no."
        codes = {o.code for o in self.options(question)}
        if t == "single_choice":
            return None if str(value) in codes else "Choose one of the options."
        if t == "multi_choice":
            if not isinstance(value, list) or any(str(v) not in codes for v in value):
                return "Choose from the options listed."
            return None
        if t == "scale":
            scale = question.scale
            if isinstance(value, bool) or not isinstance(value, int) or not scale.min <= value <= scale.max:
                return f"Choose a point from {scale.min} to {scale.max}."
            return None
        if t == "signature":
            if not isinstance(value, dict) or not str(value.get("name", "")).strip():
                return "Type the name of the person agreeing."
            if not _ISO.match(str(value.get("date", ""))):
                return "Enter the date consent was given."
            return None
        return None

    def validate(self, answers: dict) -> dict[str, str]:
        """Messages for the shown questions, keyed like the answers: missing required answers
        and answers of the wrong kind. Hidden questions are ignored."""
        problems: dict[str, str] = {}
        shown, stop = self.walk(answers)
        for item in shown:
            question = item.question
            if not question.answerable:
                continue
            value = answers.get(item.key)
            if is_empty(value):
                if question.required:
                    problems[item.key] = _missing_message(question)
                continue
            wrong = self.check_value(question, value)
            if wrong:
                problems[item.key] = wrong
        if stop is not None:
            problems[stop.key] = "This assessment stops here: follow the guidance shown before going on."
        return problems

    def progress(self, answers: dict) -> Progress:
        shown, _ = self.walk(answers)
        answerable = [i for i in shown if i.question.answerable]
        required = [i for i in answerable if i.question.required]
        return Progress(
            answered=sum(1 for i in answerable if not is_empty(answers.get(i.key))),
            required=len(required),
            answered_required=sum(1 for i in required if not is_empty(answers.get(i.key))),
        )

    # --- display -------------------------------------------------------------------------
    def display(self, question: Question, value: Any) -> str:
        """An answer as a person reads it (for print and read-only views)."""
        if is_empty(value):
            return ""
        t = question.type
        if t == "yes_no":
            return "Yes" if value is True else "No" if value is False else str(value)
        if t == "single_choice":
            return self.option_label(question, value)
        if t == "multi_choice":
            return (
                "; ".join(self.option_label(question, v) for v in value)
                if isinstance(value, list)
                else str(value)
            )
        if t == "date":
            try:
                return show_date(date.fromisoformat(value))
            except (TypeError, ValueError):
                return str(value)
        if t == "scale":
            return scale_words(question.scale, value)
        if t == "signature" and isinstance(value, dict):
            how = "signed" if value.get("method", "signed") == "signed" else "given verbally"
            when = self.display(Question(id="d", type="date", label="d"), value.get("date"))
            return f"Agreed — {how} by {value.get('name', '')} on {when}"
        return str(value)


def _missing_message(question: Question) -> str:
    return {
        "yes_no": "Answer yes or no.",
        "single_choice": "Choose one.",
        "multi_choice": "Choose at least one.",
        "date": "Enter a date.",
        "scale": "Choose a point on the scale.",
        "signature": "Consent has not been recorded.",
    }.get(question.type, "This needs an answer.")


def scale_words(scale, value) -> str:
    """A scale answer with the end it means: "10 out of 10 (not worried at all)", never both
    ends side by side, which reads as if the score meant either."""
    if not scale.low_label or not scale.high_label or isinstance(value, bool) or not isinstance(value, int):
        return f"{value} out of {scale.max}"
    if value == scale.max:
        return f"{value} out of {scale.max} ({scale.high_label})"
    if value == scale.min:
        return f"{value} out of {scale.max} ({scale.low_label})"
    return f"{value} out of {scale.max}, where {scale.min} is {scale.low_label} and {scale.max} is {scale.high_label}"
