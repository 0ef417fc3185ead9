"""Progression-of-change readings: taking, editing and removing them, listing an episode's readings,
the series the charts draw, and the facts the timescale rules, closure checks and reports need.

Scores are computed here with the tool definition the answers were given against and stored with
the reading (with the values the charts plot), so reports and other laptops never re-score."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.families import members as members_of
from ehdesk.casework.records import MOVED_OR_REMOVED, live, set_fields
from ehdesk.config.dates import show_date
from ehdesk.errors import ValidationError
from ehdesk.forms.tools import registry
from ehdesk.forms.tools.loader import ToolSet
from ehdesk.forms.tools.schema import ToolDef
from ehdesk.forms.tools.scoring import Scores, Subject, chart_values, score
from ehdesk.models import Episode, Person, Reading

OCCASIONS: dict[str, str] = {
    "baseline": "Baseline",
    "review": "Review",
    "closure": "Closure",
    "other": "Other",
}
_ONCE = ("baseline", "closure")  # one of each per tool and subject in an episode
_CHUNK = 900  # ids per IN (...) query, under SQLite's variable limit on any build


@dataclass(frozen=True)
class ReadingView:
    id: str
    episode_id: str
    family_id: str
    tool_id: str
    tool_version: int
    tool_title: str
    subject_person_id: str | None
    subject_name: str  # "Whole family" or the member's name
    occasion: str
    taken_on: date
    participant_ids: list[str]
    participant_names: list[str]  # members and others, for display
    participants_other: str
    taken_by_name: str
    item_scores: dict[str, int]
    comments: dict[str, str]
    scores: Scores
    chart: dict[str, float | None]
    note: str = ""

    @property
    def label(self) -> str:
        return f"{OCCASIONS.get(self.occasion, self.occasion)} {show_date(self.taken_on)}"


@dataclass(frozen=True)
class Series:
    """One tool's readings about one subject in an episode, oldest first, ready to chart."""

    tool: ToolDef
    subject_person_id: str | None
    subject_name: str
    axes: list[tuple[str, str]]
    readings: list[ReadingView] = field(default_factory=list)

    @property
    def baseline(self) -> ReadingView | None:
        found = [r for r in self.readings if r.occasion == "baseline"]
        return found[0] if found else (self.readings[0] if self.readings else None)

    @property
    def latest(self) -> ReadingView | None:
        return self.readings[-1] if self.readings else None


def _tools(tools: ToolSet | None) -> ToolSet:
    return tools or registry.available()


def _episode_or_404(session: Session, episode_id: str) -> Episode:
    return live(session, Episode, episode_id, "case", MOVED_OR_REMOVED)


def _reading_or_404(session: Session, reading_id: str) -> Reading:
    return live(session, Reading, reading_id, "reading")


# Built once, their values bound at each call: every reading taken looks for a clash, and building
# a statement and working out its cache key cost about as much as running it.
_SAME_OCCASION = select(Reading.id).where(
    Reading.episode_id == bindparam("episode_id"),
    Reading.tool_id == bindparam("tool_id"),
    Reading.occasion == bindparam("occasion"),
    Reading.deleted.is_(False),
    Reading.id != bindparam("reading_id"),
)
_CLASHES = {  # whose reading: the whole family's, or one member's
    "family": _SAME_OCCASION.where(Reading.subject_person_id.is_(None)),
    "member": _SAME_OCCASION.where(Reading.subject_person_id == bindparam("subject_id")),
}
_CLOSURE_READING = select(Reading.id).where(
    Reading.episode_id == bindparam("episode_id"), Reading.occasion == "closure", Reading.deleted.is_(False)
)


def _members(session: Session, family_id: str) -> dict[str, Person]:
    return {p.id: p for p in members_of(session, family_id)}


def _tool_for(tools: ToolSet, tool_id: str, version: int | None) -> ToolDef:
    try:
        return tools.get(tool_id, version)
    except KeyError:
        what = f"version {version} of " if version else ""
        raise ValidationError(
            {
                "tool": f"This laptop does not have {what}the tool {tool_id!r}; update ehdesk or the council pack."
            }
        ) from None


def _clean(
    session: Session,
    episode: Episode,
    tool: ToolDef,
    data: dict,
    today: date,
    reading_id: str | None = None,
) -> tuple[dict, Scores, Person | None]:
    """Check a reading's details and answers together, so every problem is reported at once."""
    errors: dict[str, str] = {}
    members = _members(session, episode.family_id)
    occasion = data.get("occasion", "")
    if occasion not in OCCASIONS:
        errors["occasion"] = "Choose when this reading was taken: baseline, review, closure or other."
    taken_on = data.get("taken_on")
    if not isinstance(taken_on, date):
        errors["taken_on"] = "Give the date the reading was taken."
    elif taken_on > today:
        errors["taken_on"] = "The reading date cannot be in the future."
    elif taken_on < episode.opened_on:
        errors["taken_on"] = (
            f"The reading date is before this case was opened ({show_date(episode.opened_on)})."
        )
    subject_id = data.get("subject_person_id") or None
    subject: Person | None = None
    if tool.about == "family":
        if subject_id:
            errors["subject_person_id"] = f"{tool.title} is about the whole family, not one member."
    else:
        subject = members.get(subject_id) if subject_id else None
        wanted = "child" if tool.about == "child" else "adult"
        if subject is None:
            errors["subject_person_id"] = (
                f"Choose the {'child' if wanted == 'child' else 'parent or carer'} this reading is about."
            )
        elif subject.role != wanted:
            errors["subject_person_id"] = (
                f"{tool.title} is about a {'child' if wanted == 'child' else 'parent or carer'}."
            )
    participant_ids = list(dict.fromkeys(data.get("participant_ids") or []))
    if any(p not in members for p in participant_ids):
        errors["participant_ids"] = "Someone listed as taking part is not a member of this family."
    other = (data.get("participants_other") or "").strip()
    if len(other) > 400:
        errors["participants_other"] = "Keep the other people who took part under 400 characters."
    if not participant_ids and not other:
        errors["participant_ids"] = "Say who took part in this reading."
    answers = data.get("answers") or {}
    comments_in = data.get("comments") or {}
    known = {i.id for i in tool.items}
    comments: dict[str, str] = {}
    for key, text in comments_in.items():
        text = (text or "").strip() if isinstance(text, str) else None
        if key not in known or text is None:
            errors[f"comment:{key}"] = "A comment is attached to an area this tool does not have."
        elif len(text) > 2000:
            errors[f"comment:{key}"] = f"The comment on {tool.item(key).display()} is over 2,000 characters."
        elif text:
            comments[key] = text
    if occasion in _ONCE and "occasion" not in errors:
        values = {
            "episode_id": episode.id,
            "tool_id": tool.id,
            "occasion": occasion,
            "reading_id": reading_id or "",
        }
        if subject_id is None:
            clash = session.scalars(_CLASHES["family"], values).first()
        else:
            clash = session.scalars(_CLASHES["member"], values | {"subject_id": subject_id}).first()
        if clash:
            errors["occasion"] = (
                f"This case already has a {OCCASIONS[occasion].lower()} {tool.title} reading for "
                f"{'the family' if subject is None else 'this member'}; choose review or other."
            )
    scores = None
    age_on = taken_on if isinstance(taken_on, date) else today
    who = Subject.from_birth(subject.date_of_birth, subject.gender, age_on) if subject else Subject()
    try:
        scores = score(tool, answers, who)
    except ValidationError as exc:
        errors.update({f"item:{k}": v for k, v in exc.fields.items()})
    if errors:
        raise ValidationError(errors)
    assert scores is not None  # scoring failed only with errors
    cleaned = {
        "occasion": occasion,
        "taken_on": taken_on,
        "subject_person_id": subject_id,
        "participant_ids": participant_ids,
        "participants_other": other,
        "item_scores": {k: int(v) for k, v in answers.items() if v is not None},
        "comments": comments,
        "note": (data.get("note") or "").strip(),
    }
    return cleaned, scores, subject


def _stored_scores(tool: ToolDef, answers: dict, scores: Scores) -> dict:
    return {**scores.to_json(), "chart": chart_values(tool, answers, scores)}


def take_reading(
    session: Session,
    episode_id: str,
    tool_id: str,
    data: dict,
    *,
    tool_version: int | None = None,
    taken_by_name: str = "",
    tools: ToolSet | None = None,
    today: date | None = None,
) -> str:
    """Record a reading. ``data``: occasion, taken_on, subject_person_id, participant_ids,
    participants_other, answers {item id: int}, comments {item id: text}, note."""
    episode = _episode_or_404(session, episode_id)
    tool = _tool_for(_tools(tools), tool_id, tool_version)
    cleaned, scores, _ = _clean(session, episode, tool, data, today or date.today())
    reading = Reading(
        family_id=episode.family_id,
        episode_id=episode.id,
        tool_id=tool.id,
        tool_version=tool.version,
        taken_by_name=taken_by_name,
        scores=_stored_scores(tool, cleaned["item_scores"], scores),
        **cleaned,
    )
    session.add(reading)
    audit.record(session, "change", "reading", reading.id, episode.family_id, change="create")
    return reading.id


def edit_reading(
    session: Session,
    reading_id: str,
    changes: dict,
    *,
    tools: ToolSet | None = None,
    today: date | None = None,
) -> None:
    """Change a reading's details or answers; the whole reading is checked and re-scored."""
    reading = _reading_or_404(session, reading_id)
    episode = _episode_or_404(session, reading.episode_id)
    tool = _tool_for(_tools(tools), reading.tool_id, reading.tool_version)
    current = {
        "occasion": reading.occasion,
        "taken_on": reading.taken_on,
        "subject_person_id": reading.subject_person_id,
        "participant_ids": reading.participant_ids,
        "participants_other": reading.participants_other,
        "answers": reading.item_scores,
        "comments": reading.comments,
        "note": reading.note,
    }
    current.update(changes)
    cleaned, scores, _ = _clean(session, episode, tool, current, today or date.today(), reading_id)
    if set_fields(reading, cleaned | {"scores": _stored_scores(tool, cleaned["item_scores"], scores)}):
        audit.record(session, "change", "reading", reading.id, reading.family_id, fields=sorted(changes))


def remove_reading(session: Session, reading_id: str) -> None:
    reading = _reading_or_404(session, reading_id)
    reading.deleted = True
    audit.record(session, "change", "reading", reading.id, reading.family_id, change="remove")


def _view(reading: Reading, members: dict[str, Person], tools: ToolSet) -> ReadingView:
    try:
        title = tools.get(reading.tool_id, reading.tool_version).title
    except KeyError:
        title = reading.tool_id
    subject = members.get(reading.subject_person_id) if reading.subject_person_id else None
    names = [members[p].full_name for p in reading.participant_ids if p in members]
    if reading.participants_other:
        names.append(reading.participants_other)
    stored = reading.scores or {}
    return ReadingView(
        id=reading.id,
        episode_id=reading.episode_id,
        family_id=reading.family_id,
        tool_id=reading.tool_id,
        tool_version=reading.tool_version,
        tool_title=title,
        subject_person_id=reading.subject_person_id,
        subject_name=subject.full_name
        if subject
        else ("Whole family" if not reading.subject_person_id else "A former member"),
        occasion=reading.occasion,
        taken_on=reading.taken_on,
        participant_ids=list(reading.participant_ids),
        participant_names=names,
        participants_other=reading.participants_other,
        taken_by_name=reading.taken_by_name,
        item_scores=dict(reading.item_scores),
        comments=dict(reading.comments),
        scores=Scores.from_json(stored),
        chart=dict(stored.get("chart", {})),
        note=reading.note,
    )


def list_readings(session: Session, episode_id: str, tools: ToolSet | None = None) -> list[ReadingView]:
    """An episode's readings, oldest first."""
    episode = _episode_or_404(session, episode_id)
    rows = session.scalars(
        select(Reading)
        .where(Reading.episode_id == episode_id, Reading.deleted.is_(False))
        .order_by(Reading.taken_on, Reading.created_at)
    ).all()
    members = _members(session, episode.family_id)
    found = _tools(tools)
    return [_view(r, members, found) for r in rows]


def get_reading(session: Session, reading_id: str, tools: ToolSet | None = None) -> ReadingView:
    reading = _reading_or_404(session, reading_id)
    return _view(reading, _members(session, reading.family_id), _tools(tools))


def series(session: Session, episode_id: str, tools: ToolSet | None = None) -> list[Series]:
    """Every (tool, subject) with readings in the episode, each as a chartable series."""
    found = _tools(tools)
    grouped: dict[tuple[str, str | None], list[ReadingView]] = defaultdict(list)
    for view in list_readings(session, episode_id, found):
        grouped[(view.tool_id, view.subject_person_id)].append(view)
    result: list[Series] = []
    for (tool_id, subject_id), views in grouped.items():
        newest = max(v.tool_version for v in views)
        try:
            tool = found.get(tool_id, newest)
        except KeyError:
            continue  # a tool this laptop does not have cannot be drawn
        result.append(Series(tool, subject_id, views[0].subject_name, tool.axes(), views))
    # The whole family's tools first, then each member's.
    return sorted(result, key=lambda s: (s.subject_person_id is not None, s.tool.title, s.subject_name))


def _rows(session: Session, episode_ids: Sequence[str], *columns):
    ids = list(episode_ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        yield from session.execute(
            select(*columns).where(Reading.episode_id.in_(chunk), Reading.deleted.is_(False))
        )


def reading_facts(session: Session, episode_ids: Iterable[str]) -> dict[str, dict]:
    """Fact source for the timescale rules: the dates readings were taken, per episode."""
    dates: dict[str, set[date]] = defaultdict(set)
    for episode_id, taken_on in _rows(session, list(episode_ids), Reading.episode_id, Reading.taken_on):
        dates[episode_id].add(taken_on)
    return {episode_id: {"reading_dates": tuple(sorted(found))} for episode_id, found in dates.items()}


def closing_reading_missing(session: Session, episode_id: str) -> str | None:
    """For the closure checks: a plain message if the case has no closure reading, else None."""
    _episode_or_404(session, episode_id)
    has = session.scalars(_CLOSURE_READING, {"episode_id": episode_id}).first()
    if has:
        return None
    return "No closing progression reading has been taken: score the tool with the family before closing."


def change_by_area(session: Session, episode_ids: Iterable[str], tools: ToolSet | None = None) -> dict:
    """Average change between each episode's first and latest reading, per tool and area.

    Returns ``{tool_id: {"title", "higher_is_better", "areas": {key: {"label", "episodes",
    "average_change"}}}}``. An episode counts once per area: where it has readings about several
    members with the same tool, their changes are averaged first. Episodes with fewer than two
    readings of a tool say nothing about change and are left out."""
    found = _tools(tools)
    # Only the first and the latest reading of each (episode, tool, subject) matter, and only
    # their chart values: fetched alone, so the caseload view stays quick on big caseloads.
    ends: dict[tuple[str, str, str | None], list] = {}
    columns = (
        Reading.episode_id,
        Reading.tool_id,
        Reading.subject_person_id,
        Reading.taken_on,
        Reading.created_at,
        Reading.scores["chart"],
    )
    for episode_id, tool_id, subject, taken_on, created, chart in _rows(session, list(episode_ids), *columns):
        key = (episode_id, tool_id, subject)
        stamp = (taken_on, created)
        entry = ends.get(key)
        if entry is None:
            ends[key] = [stamp, chart, stamp, chart, 1]
            continue
        entry[4] += 1
        if stamp < entry[0]:
            entry[0], entry[1] = stamp, chart
        if stamp > entry[2]:
            entry[2], entry[3] = stamp, chart
    per_episode: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (episode_id, tool_id, _), (_, first, _, latest, count) in ends.items():
        if count < 2 or not first or not latest:
            continue
        for area, value in latest.items():
            if value is not None and first.get(area) is not None:
                per_episode[(episode_id, tool_id)][area].append(value - first[area])
    totals: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (_, tool_id), areas in per_episode.items():
        for area, changes in areas.items():
            totals[tool_id][area].append(sum(changes) / len(changes))
    result: dict = {}
    for tool_id, areas in totals.items():
        try:
            tool = found.get(tool_id)
            labels = dict(tool.axes())
            order = [k for k, _ in tool.axes()]
            title, better = tool.title, tool.higher_is_better
        except KeyError:
            labels, order, title, better = {}, sorted(areas), tool_id, True
        result[tool_id] = {
            "title": title,
            "higher_is_better": better,
            "areas": {
                key: {
                    "label": labels.get(key, key),
                    "episodes": len(areas[key]),
                    "average_change": round(sum(areas[key]) / len(areas[key]), 2),
                }
                for key in order
                if key in areas
            },
        }
    return result


@dataclass(frozen=True)
class MemberChoice:
    id: str
    name: str
    role: str  # adult | child


@dataclass(frozen=True)
class FamilyProgress:
    """Everything the Progress tab shows for a family's current (or last) case."""

    family_id: str
    episode_id: str | None
    episode_label: str
    episode_open: bool
    members: list[MemberChoice]
    series: list[Series]


def family_progress(session: Session, family_id: str, tools: ToolSet | None = None) -> FamilyProgress:
    episode = current_episode(session, family_id)
    members = sorted(_members(session, family_id).values(), key=lambda p: (p.role != "adult", p.created_at))
    choices = [MemberChoice(p.id, p.full_name, p.role) for p in members]
    if episode is None:
        return FamilyProgress(family_id, None, "No case is open for this family.", False, choices, [])
    opened = show_date(episode.opened_on)
    label = (
        f"Case opened {opened}"
        if episode.status == "open"
        else f"Case opened {opened}, closed {show_date(episode.closed_on) if episode.closed_on else ''}"
    )
    return FamilyProgress(
        family_id, episode.id, label, episode.status == "open", choices, series(session, episode.id, tools)
    )
