"""The timescale rules of the practice guidance, as pure functions over plain facts.

Defaults (from the council pack): first TAF within 6 weeks of allocation; the agreement signed
and a baseline progression reading before the first TAF; TAF reviews at most 12 weeks apart,
each preceded by a new reading; a 12-month limit after which a manager signs off a new close-by
date. The caseload, the family record and the reports all ask these functions, so a rule is
changed in one place.

How days are counted:
- "Within N days" ends on the Nth day after the start: a TAF held exactly 6 weeks after
  allocation is on time, the day after is late. Something done on the same day as the meeting
  it must precede (a reading taken at the review) counts as before it.
- Councils that count working days set ``count_working_days`` (and give the first-TAF and review
  numbers in working days); weekends and the pack's bank holidays are skipped.
- The episode limit is counted in calendar months when the pack sets ``episode_limit_months``
  (opened 29 February: limit 28 February next year), otherwise in calendar days; never in working
  days, because it is a limit on how long a family is open, not on staff time.
- Reviews are timed from the last TAF actually held. A review that was moved keeps the due date
  the last meeting set: moving it later does not move the timescale, moving it earlier restarts
  the clock from the day it was held. A planned date is shown beside the due date, never instead.
- A family group conference counts as a TAF (first TAF or review) only where the pack says so.
- When the family withdraws consent the work stops: nothing else is due, the one thing in front
  of the worker is "Close: consent withdrawn", and no timescale is missed after that day.
- A planned session is listed among the things due (upcoming, then "not written up yet") so the
  caseload shows it; it is a reminder, never a breach."""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, field
from datetime import date, timedelta

from ehdesk.config.dates import show_date
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
    extension_signed_off_on: date | None = None
    # The date the next TAF is booked for (set at the last meeting, perhaps moved since).
    next_meeting_planned_on: date | None = None
    # Sessions with the family planned and not yet written up (the caseload shows them as upcoming).
    planned_session_dates: tuple[date, ...] = ()
    # Due dates of actions a manager set in supervision or a case audit, not yet done.
    manager_actions_due: tuple[date, ...] = ()
    # Family group conferences held (they count as TAFs only where the pack says so).
    fgc_dates: tuple[date, ...] = ()
    # The date the family withdrew consent (the work stops that day).
    consent_withdrawn_on: date | None = None
    # The review date written into the signed agreement.
    agreement_review_on: date | None = None


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


def add_months(start: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, _cal.monthrange(year, month)[1]))


@dataclass
class _Calendar:
    rules: Timescales
    holidays: set[date] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.holidays = {date.fromisoformat(d) for d in self.rules.bank_holidays}

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def add(self, start: date, days: int) -> date:
        if not self.rules.count_working_days:
            return start + timedelta(days=days)
        current, left = start, days
        while left > 0:
            current += timedelta(days=1)
            if self.is_working_day(current):
                left -= 1
        return current


def working_days_between(start: date, end: date, rules: Timescales) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    cal = _Calendar(rules)
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        if cal.is_working_day(current):
            count += 1
    return count


def first_taf_due(facts: EpisodeFacts, rules: Timescales) -> date:
    return _Calendar(rules).add(facts.allocated_on or facts.opened_on, rules.first_taf_within_days)


def _meetings(facts: EpisodeFacts, rules: Timescales) -> list[date]:
    """Every TAF held, in order (a review recorded without an initial TAF still counts; a family
    group conference counts where the council says it does)."""
    fgc = facts.fgc_dates if rules.family_group_conference_counts_as_taf else ()
    return sorted({d for d in (facts.first_taf_on, *facts.review_dates, *fgc) if d})


def _first_taf(facts: EpisodeFacts, rules: Timescales) -> date | None:
    held = _meetings(facts, rules)
    return held[0] if held else None


def original_limit(facts: EpisodeFacts, rules: Timescales) -> date:
    if rules.episode_limit_months:
        return add_months(facts.opened_on, rules.episode_limit_months)
    return facts.opened_on + timedelta(days=rules.episode_limit_days)


def episode_limit_due(facts: EpisodeFacts, rules: Timescales) -> date:
    if facts.extension_close_by:
        return facts.extension_close_by
    return original_limit(facts, rules)


def _limit_words(rules: Timescales) -> str:
    if rules.episode_limit_months:
        return f"{rules.episode_limit_months}-month limit"
    return f"{rules.episode_limit_days}-day limit"


def due_items(facts: EpisodeFacts, rules: Timescales, today: date, *, details: bool = True) -> list[DueItem]:
    """What is still to be done on an open episode, earliest first. ``details=False`` leaves each
    item's ``detail`` empty: the caseload shows only the label and date, and writing out the
    details (dates in words) for a thousand cases was a tenth of its time."""
    if facts.status != "open":
        return []
    if facts.consent_withdrawn_on is not None:
        withdrawn = facts.consent_withdrawn_on
        return [
            DueItem(
                "close_consent_withdrawn",
                "Close: consent withdrawn",
                withdrawn,
                False,
                f"the family withdrew consent on {show_date(withdrawn)}; nothing else is due"
                if details
                else "",
            )
        ]
    calendar = _Calendar(rules)
    items: list[DueItem] = []

    def add(code: str, label: str, due_on: date, detail: str = "") -> None:
        items.append(DueItem(code, label, due_on, today > due_on, detail if details else ""))

    def planned_detail(due_on: date) -> str:
        planned = facts.next_meeting_planned_on
        if not details:
            return ""
        if planned is None:
            return "no date set yet"
        if planned > due_on:
            return f"booked for {show_date(planned)}, after it is due"
        return f"booked for {show_date(planned)}"

    taf_due = first_taf_due(facts, rules)
    first = _first_taf(facts, rules)
    if first is None:
        add("first_taf", "First TAF meeting", taf_due, planned_detail(taf_due))
        if facts.agreement_signed_on is None:
            add("agreement", "Early help agreement signed", taf_due, "before the first TAF")
        if not facts.reading_dates:
            add("baseline_reading", "Baseline progression reading", taf_due, "before the first TAF")
    else:
        last = _meetings(facts, rules)[-1]
        review_due = calendar.add(last, rules.review_interval_max_days)
        add("review", "TAF review", review_due, planned_detail(review_due))
        if not any(d > last for d in facts.reading_dates):
            add("review_reading", "Progression reading before the review", review_due)
        if facts.agreement_signed_on is None:
            add("agreement", "Early help agreement signed", first, "should have been before the first TAF")
    if facts.agreement_review_on is not None:
        add("agreement_review", "Review the early help agreement", facts.agreement_review_on)
    if facts.planned_session_dates:
        planned = min(facts.planned_session_dates)
        detail = "not written up yet" if today > planned else "upcoming"
        add("session", "Planned session with the family", planned, detail)
    if facts.manager_actions_due:
        count = len(facts.manager_actions_due)
        add(
            "manager_action",
            "Action from supervision or audit",
            min(facts.manager_actions_due),
            f"{count} open" if count > 1 else "",
        )
    limit = episode_limit_due(facts, rules)
    label = (
        "New close-by date (signed off)"
        if facts.extension_close_by
        else f"{_limit_words(rules).capitalize()}: close or get sign-off"
    )
    add("episode_limit", label, limit)
    return sorted(items, key=lambda i: (i.due_on, i.code))


def next_due(facts: EpisodeFacts, rules: Timescales, today: date, *, details: bool = True) -> DueItem | None:
    items = due_items(facts, rules, today, details=details)
    return items[0] if items else None


def needs_signoff(facts: EpisodeFacts, rules: Timescales, today: date) -> bool:
    """Open, at or past the limit, and no manager has signed off a new close-by date yet."""
    return (
        facts.status == "open" and facts.extension_close_by is None and today >= original_limit(facts, rules)
    )


def breaches(facts: EpisodeFacts, rules: Timescales, today: date) -> list[Breach]:
    """Timescales missed during the episode (done late, or not done and now past due)."""
    calendar = _Calendar(rules)
    found: list[Breach] = []
    end = facts.closed_on or today
    if facts.consent_withdrawn_on is not None:
        end = min(end, facts.consent_withdrawn_on)
    taf_due = first_taf_due(facts, rules)
    meetings = _meetings(facts, rules)
    first = meetings[0] if meetings else None
    if first is None:
        if end > taf_due:
            found.append(Breach("first_taf", "First TAF within the timescale", taf_due, None))
    else:
        if first > taf_due:
            found.append(Breach("first_taf", "First TAF within the timescale", taf_due, first))
        if facts.agreement_signed_on is None or facts.agreement_signed_on > first:
            found.append(
                Breach("agreement", "Agreement signed before the first TAF", first, facts.agreement_signed_on)
            )
        first_reading = min(facts.reading_dates) if facts.reading_dates else None
        if first_reading is None or first_reading > first:
            found.append(
                Breach("baseline_reading", "Baseline reading before the first TAF", first, first_reading)
            )
        for previous, current in zip(meetings, meetings[1:], strict=False):
            due = calendar.add(previous, rules.review_interval_max_days)
            if current > due:
                found.append(Breach("review", "Review within the interval", due, current))
            if not any(previous < d <= current for d in facts.reading_dates):
                found.append(Breach("review_reading", "Reading before the review", current, None))
        # Still waiting for the next review (or closed without one after it fell due).
        due = calendar.add(meetings[-1], rules.review_interval_max_days)
        if end > due:
            found.append(Breach("review", "Review within the interval", due, None))
    limit = original_limit(facts, rules)
    words = _limit_words(rules)
    if facts.extension_close_by:
        signed = facts.extension_signed_off_on
        if signed is not None and signed > limit:
            found.append(Breach("episode_limit", f"Signed off before the {words}", limit, signed))
        if end > facts.extension_close_by:
            found.append(
                Breach(
                    "extension_limit",
                    "Closed by the signed-off close-by date",
                    facts.extension_close_by,
                    facts.closed_on,
                )
            )
    elif end > limit:
        found.append(
            Breach("episode_limit", f"Closed or signed off within the {words}", limit, facts.closed_on)
        )
    return found


def missed_words(breach: Breach, rules: Timescales) -> str:
    """What happened, in words that are true of a missed timescale ("the first TAF was held on
    9 March 2026, after it was due on 2 March 2026"), where ``label`` names the timescale itself
    ("Signed off before the 12-month limit") and reads as a success when listed as missed."""
    due, done = show_date(breach.due_on), show_date(breach.happened_on)
    limit = _limit_words(rules)
    if breach.code == "first_taf":
        if done:
            return f"the first TAF was held on {done}, after it was due on {due}"
        return f"the first TAF was due on {due} and has not been held"
    if breach.code == "agreement":
        if done:
            return f"the agreement was signed on {done}, after the first TAF ({due})"
        return f"the agreement was not signed before the first TAF ({due})"
    if breach.code == "baseline_reading":
        if done:
            return f"the baseline reading was taken on {done}, after the first TAF ({due})"
        return f"no baseline reading was taken before the first TAF ({due})"
    if breach.code == "review":
        if done:
            return f"a review was held on {done}, after it was due on {due}"
        return f"a review was due on {due} and has not been held"
    if breach.code == "review_reading":
        return f"no reading was taken before the review of {due}"
    if breach.code == "episode_limit":
        if done and breach.label.startswith("Signed off"):
            return f"the {limit} passed on {due}; a manager signed off only on {done}"
        if done:
            return f"the case was closed on {done}, after the {limit} ({due}), without a sign-off"
        return f"the {limit} passed on {due} and no manager has signed off a new close-by date"
    if breach.code == "extension_limit":
        if done:
            return f"the case was closed on {done}, after the signed-off close-by date ({due})"
        return f"the signed-off close-by date ({due}) has passed and the case is still open"
    return f"{breach.label[:1].lower()}{breach.label[1:]} (due {due})"


@dataclass(frozen=True)
class TimescaleResult:
    code: str
    label: str
    due_on: date
    happened_on: date | None
    met: bool


def timescale_record(facts: EpisodeFacts, rules: Timescales, today: date) -> list[TimescaleResult]:
    """Every timescale the episode was held to, met or missed (the closure summary lists both).
    Missed ones are exactly those ``breaches`` finds; the rest were met."""
    calendar = _Calendar(rules)
    missed = {(b.code, b.due_on) for b in breaches(facts, rules, today)}
    found: list[TimescaleResult] = []

    def add(code: str, label: str, due_on: date, happened_on: date | None) -> None:
        found.append(TimescaleResult(code, label, due_on, happened_on, (code, due_on) not in missed))

    end = facts.closed_on or today
    meetings = _meetings(facts, rules)
    first = meetings[0] if meetings else None
    add("first_taf", "First TAF within the timescale", first_taf_due(facts, rules), first)
    if first is not None:
        add("agreement", "Agreement signed before the first TAF", first, facts.agreement_signed_on)
        first_reading = min(facts.reading_dates) if facts.reading_dates else None
        add("baseline_reading", "Baseline reading before the first TAF", first, first_reading)
        for previous, current in zip(meetings, meetings[1:], strict=False):
            add(
                "review",
                "Review within the interval",
                calendar.add(previous, rules.review_interval_max_days),
                current,
            )
            reading = next((d for d in sorted(facts.reading_dates) if previous < d <= current), None)
            add("review_reading", "Reading before the review", current, reading)
        due = calendar.add(meetings[-1], rules.review_interval_max_days)
        if end > due:
            add("review", "Review within the interval", due, None)
    limit = original_limit(facts, rules)
    if facts.extension_close_by:
        add(
            "episode_limit",
            f"Signed off before the {_limit_words(rules)}",
            limit,
            facts.extension_signed_off_on,
        )
        add(
            "extension_limit",
            "Closed by the signed-off close-by date",
            facts.extension_close_by,
            facts.closed_on,
        )
    else:
        add("episode_limit", f"Closed or signed off within the {_limit_words(rules)}", limit, facts.closed_on)
    return found
