"""Threshold flags: signs that a family may need statutory help rather than early help.

Level 4 (the pack's ``practice.thresholds.levels``) on the episode or in the assessment, or any
child on a child protection or child in need plan or looked after (``statutory_plans``, from the
assessment's "Is this child part of another plan?"), raises a flag. A manager decides: step up
to children's social care, or continue with early help for a stated reason. Until then the
assessment cannot be signed off. The decision names the triggers it answered, so a new trigger
(another child put on a plan) raises the flag again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import String, bindparam, cast, or_, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import episode_or_404
from ehdesk.casework.families import members as members_of
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models import Assessment

DECISIONS = {"step_up": "Step up to children's social care", "continue": "Continue with early help"}
MANAGER_ROLES = ("manager", "admin")
PLAN_WORDS = {
    "child_protection": "on a child protection plan",
    "child_in_need": "on a child in need plan",
    "looked_after": "looked after by the council",
}


@dataclass(frozen=True)
class Trigger:
    code: str  # stable key, e.g. "level:4" or "plan:child_protection:<person id>"
    message: str


@dataclass(frozen=True)
class ThresholdState:
    triggers: tuple[Trigger, ...]
    decision: dict  # the manager's decision as stored (empty: none yet)
    undecided: tuple[Trigger, ...]

    @property
    def needs_decision(self) -> bool:
        return bool(self.undecided)

    def summary(self) -> str:
        if self.undecided:
            return (
                "A manager must decide whether to step up to children's social care or continue "
                "with early help (with a reason): " + "; ".join(t.message for t in self.undecided) + "."
            )
        if self.decision:
            label = DECISIONS.get(self.decision.get("decision", ""), "")
            return f"{label} — decided by {self.decision.get('by', '')} on {self.decision.get('on', '')}: {self.decision.get('reason', '')}"
        return ""


# Built once, their values bound at each call: every assessment checked asks what raises the flag,
# and building a statement and working out its cache key cost about as much as running it.
_ASSESSMENT_ANSWERS = select(Assessment.answers).where(
    Assessment.episode_id == bindparam("episode_id"),
    Assessment.form_id == "early-help-assessment",
    Assessment.deleted.is_(False),
)


def _assessment_answers(session: Session, episode_id: str) -> list[dict]:
    rows = session.scalars(_ASSESSMENT_ANSWERS, {"episode_id": episode_id}).all()
    return [dict(a or {}) for a in rows]


def _found_triggers(levels: set[int], all_answers: list[dict], names: dict[str, str]) -> dict[str, Trigger]:
    """The triggers in an episode's level and its assessments' answers (pure: no queries)."""
    pack = current_pack()
    rules = pack.practice.thresholds
    found: dict[str, Trigger] = {}
    levels = set(levels)
    for a in all_answers:
        try:
            levels.add(int(a["level_of_need"]))
        except (KeyError, TypeError, ValueError):
            pass
    for level in sorted(levels & set(rules.levels)):
        found[f"level:{level}"] = Trigger(
            f"level:{level}", f"the level of need is {pack.label('levels_of_need', level)}"
        )
    for a in all_answers:
        for key, value in a.items():
            if key.startswith("child_other_plan@") and value in rules.statutory_plans:
                person_id = key.split("@", 1)[1]
                code = f"plan:{value}:{person_id}"
                words = PLAN_WORDS.get(value, f"on another plan ({value})")
                found[code] = Trigger(code, f"{names.get(person_id, 'a child')} is {words}")
    return found


def triggers_for(session: Session, episode_id: str, answers: dict | None = None) -> list[Trigger]:
    """What raises the flag on this episode (``answers``: an assessment being checked now)."""
    episode = episode_or_404(session, episode_id)
    levels = {episode.level_of_need} if episode.level_of_need else set()
    all_answers = _assessment_answers(session, episode_id) + ([answers] if answers else [])
    names = {p.id: p.full_name for p in members_of(session, episode.family_id, removed_too=True)}
    return list(_found_triggers(levels, all_answers, names).values())


# Short words for the caseload column, by what raised the flag.
SHORT_WORDS = {
    "child_protection": "Child on a CP plan",
    "child_in_need": "Child on a CIN plan",
    "looked_after": "Child looked after",
}


def short_words(trigger_code: str) -> str:
    """Short words for a trigger: level:4 is "Level 4", plan:child_protection:<id> "Child on a CP plan"."""
    kind, _, rest = trigger_code.partition(":")
    if kind == "level":
        return f"Level {rest}"
    plan = rest.split(":", 1)[0]
    return SHORT_WORDS.get(plan, f"Child on another plan ({plan})")


def undecided_by_episode(session: Session, episodes) -> dict[str, list[str]]:
    """For a whole caseload in two queries: each episode's threshold triggers that no manager's
    decision has answered yet (trigger codes). ``episodes``: rows with ``id``, ``level_of_need``
    and ``threshold_decision``. Only assessments whose stored answers mention a statutory plan or
    a level that needs a decision are decoded, so a large caseload stays quick."""
    rules = current_pack().practice.thresholds
    if not episodes:
        return {}
    ids = [e.id for e in episodes]
    text = cast(Assessment.answers, String)
    marks = [text.like(f"%{plan}%") for plan in rules.statutory_plans] + [
        text.like(f'%"level_of_need": {quote}{level}{quote}%')
        for level in rules.levels
        for quote in ('"', "")
    ]
    answers: dict[str, list[dict]] = {}
    if marks:
        for episode_id, stored in session.execute(
            select(Assessment.episode_id, Assessment.answers).where(
                Assessment.episode_id.in_(ids),
                Assessment.form_id == "early-help-assessment",
                Assessment.deleted.is_(False),
                or_(*marks),
            )
        ):
            answers.setdefault(episode_id, []).append(dict(stored or {}))
    result: dict[str, list[str]] = {}
    for e in episodes:
        if e.id not in answers and e.level_of_need not in rules.levels:
            continue  # nothing that could raise the flag (most of a caseload): no need to look
        levels = {e.level_of_need} if e.level_of_need else set()
        found = _found_triggers(levels, answers.get(e.id, []), {})
        answered = set((e.threshold_decision or {}).get("triggers", []))
        undecided = [code for code in found if code not in answered]
        if undecided:
            result[e.id] = undecided
    return result


def threshold_state(session: Session, episode_id: str, answers: dict | None = None) -> ThresholdState:
    episode = episode_or_404(session, episode_id)
    triggers = triggers_for(session, episode_id, answers)
    decision = dict(episode.threshold_decision or {})
    answered = set(decision.get("triggers", []))
    undecided = tuple(t for t in triggers if t.code not in answered)
    return ThresholdState(tuple(triggers), decision, undecided)


def record_decision(
    session: Session,
    episode_id: str,
    *,
    decision: str,
    reason: str,
    actor_role: str,
    today: date | None = None,
    manager_name: str = "",
) -> ThresholdState:
    """A manager's decision on the flag: step up, or continue with early help for a reason."""
    today = today or date.today()
    episode = episode_or_404(session, episode_id)
    if actor_role not in MANAGER_ROLES:
        raise EhdeskError("Only a manager can decide whether this family steps up or stays with early help.")
    errors = {}
    if decision not in DECISIONS:
        errors["decision"] = "Choose step up to children's social care, or continue with early help."
    if not reason.strip():
        errors["reason"] = (
            "Say why early help can meet these needs." if decision == "continue" else "Say why, and to whom."
        )
    if errors:
        raise ValidationError(errors)
    state = threshold_state(session, episode_id)
    if not state.triggers:
        raise EhdeskError("Nothing on this case needs a threshold decision.")
    episode.threshold_decision = {
        "decision": decision,
        "reason": reason.strip(),
        "by": manager_name or session.info.get("worker_name", "") or session.info.get("actor", ""),
        "on": today.isoformat(),
        "triggers": [t.code for t in state.triggers],
    }
    audit.record(
        session,
        "decide",
        "episode",
        episode_id,
        episode.family_id,
        op="threshold_decision",
        decision=decision,
        triggers=[t.code for t in state.triggers],
    )
    return threshold_state(session, episode_id)
