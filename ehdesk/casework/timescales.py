"""The timescale rules of the practice guidance, as pure functions over plain facts.

Defaults (from the council pack): first TAF within 6 weeks of allocation; the agreement signed
and a baseline progression reading before the first TAF; TAF reviews at most 12 weeks apart,
each preceded by a new reading; a 12-month limit after which a manager signs off a new close-by
date. The caseload, the family record and the reports all ask these functions, so a rule is
changed in one place. Councils that count working days set ``count_working_days`` and list their
bank holidays in the pack."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from ehdesk.config.pack import Timescales


@dataclass(frozen=True)
class EpisodeFacts:
    opened_on: date
    allocated_on: date | None = None
    status: str = "open"
    closed_on: date | None = None
    first_taf_on: date | None = None
    review_dates: tuple[date, ...] = ()
    agreement_signed_on: date | None = None
    reading_dates: tuple[date, ...] = ()
    extension_close_by: date | None = None


@dataclass(frozen=True)
class DueItem:
    code: str
    label: str
    due_on: date
    overdue: bool
    detail: str = ""


@dataclass(frozen=True)
class Breach:
    code: str
    label: str
    due_on: date
    happened_on: date | None  # None: still not done


@dataclass
class _Calendar:
    rules: Timescales
    holidays: set[date] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.holidays = {date.fromisoformat(d) for d in self.rules.bank_holidays}

    def add(self, start: date, days: int) -> date:
        if not self.rules.count_working_days:
            return start + timedelta(days=days)
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if current.weekday() < 5 and current not in self.holidays:
                left -= 1
        return current


def first_taf_due(facts: EpisodeFacts, rules: Timescales) -> date:
    return _Calendar(rules).add(facts.allocated_on or facts.opened_on, rules.first_taf_within_days)


def _last_meeting(facts: EpisodeFacts) -> date | None:
    held = [d for d in (facts.first_taf_on, *facts.review_dates) if d]
    return max(held) if held else None


def episode_limit_due(facts: EpisodeFacts, rules: Timescales) -> date:
    if facts.extension_close_by:
        return facts.extension_close_by
    return facts.opened_on + timedelta(days=rules.episode_limit_days)


def due_items(facts: EpisodeFacts, rules: Timescales, today: date) -> list[DueItem]:
    """What is still to be done on an open episode, earliest first."""
    if facts.status != "open":
        return []
    calendar = _Calendar(rules)
    items: list[DueItem] = []

    def add(code: str, label: str, due_on: date, detail: str = "") -> None:
        items.append(DueItem(code, label, due_on, today > due_on, detail))

    taf_due = first_taf_due(facts, rules)
    if facts.first_taf_on is None:
        add("first_taf", "First TAF meeting", taf_due)
        if facts.agreement_signed_on is None:
            add("agreement", "Early help agreement signed", taf_due, "before the first TAF")
        if not facts.reading_dates:
            add("baseline_reading", "Baseline progression reading", taf_due, "before the first TAF")
    else:
        last = _last_meeting(facts)
        review_due = calendar.add(last, rules.review_interval_max_days)
        add("review", "TAF review", review_due)
        if not any(d > last for d in facts.reading_dates):
            add("review_reading", "Progression reading before the review", review_due)
        if facts.agreement_signed_on is None:
            add(
                "agreement",
                "Early help agreement signed",
                facts.first_taf_on,
                "should have been before the first TAF",
            )
    limit = episode_limit_due(facts, rules)
    label = (
        "New close-by date (signed off)"
        if facts.extension_close_by
        else "12-month limit: close or get sign-off"
    )
    add("episode_limit", label, limit)
    return sorted(items, key=lambda i: (i.due_on, i.code))


def next_due(facts: EpisodeFacts, rules: Timescales, today: date) -> DueItem | None:
    items = due_items(facts, rules, today)
    return items[0] if items else None


def breaches(facts: EpisodeFacts, rules: Timescales, today: date) -> list[Breach]:
    """Timescales missed during the episode (done late, or not done and now past due)."""
    calendar = _Calendar(rules)
    found: list[Breach] = []
    end = facts.closed_on or today
    taf_due = first_taf_due(facts, rules)
    if facts.first_taf_on is None:
        if end > taf_due:
            found.append(Breach("first_taf", "First TAF within the timescale", taf_due, None))
    elif facts.first_taf_on > taf_due:
        found.append(Breach("first_taf", "First TAF within the timescale", taf_due, facts.first_taf_on))
    if facts.first_taf_on is not None:
        if facts.agreement_signed_on is None or facts.agreement_signed_on > facts.first_taf_on:
            found.append(
                Breach(
                    "agreement",
                    "Agreement signed before the first TAF",
                    facts.first_taf_on,
                    facts.agreement_signed_on,
                )
            )
        first_reading = min(facts.reading_dates) if facts.reading_dates else None
        if first_reading is None or first_reading > facts.first_taf_on:
            found.append(
                Breach(
                    "baseline_reading",
                    "Baseline reading before the first TAF",
                    facts.first_taf_on,
                    first_reading,
                )
            )
        meetings = sorted(d for d in (facts.first_taf_on, *facts.review_dates) if d)
        for previous, current in zip(meetings, meetings[1:], strict=False):
            due = calendar.add(previous, rules.review_interval_max_days)
            if current > due:
                found.append(Breach("review", "Review within the interval", due, current))
            if not any(previous < d <= current for d in facts.reading_dates):
                found.append(Breach("review_reading", "Reading before the review", current, None))
        due = calendar.add(meetings[-1], rules.review_interval_max_days)
        if facts.status == "open" and end > due:
            found.append(Breach("review", "Review within the interval", due, None))
    limit = episode_limit_due(facts, rules)
    if end > limit:
        found.append(Breach("episode_limit", "Closed or signed off within the limit", limit, facts.closed_on))
    return found
