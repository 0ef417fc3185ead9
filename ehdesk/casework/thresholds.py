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

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import episode_or_404
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models import Assessment, Person

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


def _assessment_answers(session: Session, episode_id: str) -> list[dict]:
    rows = session.scalars(
        select(Assessment.answers).where(
            Assessment.episode_id == episode_id,
            Assessment.form_id == "early-help-assessment",
            Assessment.deleted.is_(False),
        )
    ).all()
    return [dict(a or {}) for a in rows]


def triggers_for(session: Session, episode_id: str, answers: dict | None = None) -> list[Trigger]:
    """What raises the flag on this episode (``answers``: an assessment being checked now)."""
    episode = episode_or_404(session, episode_id)
    rules = current_pack().practice.thresholds
    pack = current_pack()
    found: dict[str, Trigger] = {}
    levels = {episode.level_of_need} if episode.level_of_need else set()
    all_answers = _assessment_answers(session, episode_id) + ([answers] if answers else [])
    for a in all_answers:
        try:
            levels.add(int(a["level_of_need"]))
        except (KeyError, TypeError, ValueError):
            pass
    for level in sorted(levels & set(rules.levels)):
        found[f"level:{level}"] = Trigger(
            f"level:{level}", f"the level of need is {pack.label('levels_of_need', level)}"
        )
    names = {
        p.id: p.full_name
        for p in session.scalars(select(Person).where(Person.family_id == episode.family_id))
    }
    for a in all_answers:
        for key, value in a.items():
            if key.startswith("child_other_plan@") and value in rules.statutory_plans:
                person_id = key.split("@", 1)[1]
                code = f"plan:{value}:{person_id}"
                words = PLAN_WORDS.get(value, f"on another plan ({value})")
                found[code] = Trigger(code, f"{names.get(person_id, 'a child')} is {words}")
    return list(found.values())


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
