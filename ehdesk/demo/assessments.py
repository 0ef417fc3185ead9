"""Demo step: early help assessments (some drafts, some completed or signed off) for demo
episodes, and "How was it for you?" feedback for most closed ones. Answers are generated from
the form definition itself, so a council's own form gets plausible demo answers too."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.assessments import EHA_FORM, FEEDBACK_FORM
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import fate_of
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.errors import NotFound
from ehdesk.forms.definition import FormDefinition, Question
from ehdesk.forms.engine import FormEngine, Member
from ehdesk.forms.loader import default_library
from ehdesk.models import Assessment, Episode, Person
from ehdesk.models.types import new_id

PHRASES = {
    "reason": [
        "School asked for help because attendance has dropped since the autumn.",
        "Health visitor worried about routines and mum's low mood after the baby.",
        "Family asked for help with behaviour at home and arguments at bedtime.",
    ],
    "family_hopes": [
        "Calmer mornings and the children in school on time.",
        "Mum wants to feel less alone and to know where to get help.",
        "Fewer arguments, and to sort out the rent arrears.",
    ],
    "strengths": [
        "Warm relationships; the children are clearly loved.",
        "Parents are open with us and keen to try new ideas.",
        "Grandparents nearby help with school pick-ups.",
    ],
    "needs": [
        "Routines slip when money is tight; bedtimes are late.",
        "Worries about school attendance and missed health appointments.",
        "Housing is damp and overcrowded, which affects sleep.",
    ],
    "voice_words": [
        "Said home is fun but mornings are shouty.",
        "Drew the family at the park and said they like football with dad.",
        "Smiled and settled with mum during the visit; babbled when talked to.",
    ],
    "family_view": ["Parents agree with the assessment and want support with routines."],
    "analysis": ["A loving family under pressure; with support for routines and money, change is likely."],
    "outcomes": ["Attendance above 95% by half term; a bedtime routine most nights; arrears plan agreed."],
    "voice_wishes": [
        "More time at the park with mum.",
        "Not being late for school.",
        "Having their own bed.",
    ],
    "voice_not_seen_reason": ["Away at their grandparents' for half term during both visits."],
    "voice_plan_to_see": ["After-school visit next week, with mum's agreement."],
    "if_nothing_changes": ["School attendance keeps falling and the worries could grow to need social care."],
    "professionals": ["Class teacher and the school's pastoral lead; health visitor."],
    "assessor_role": ["Family worker"],
    "what_changed": ["Mornings are calmer and the children get to school on time."],
    "what_helped": ["Having someone who listened and came back when they said they would."],
    "could_be_better": ["Fewer changes of meeting dates."],
    "child_words": ["Likes the new breakfast club.", "Home is less shouty now."],
    "child_notes": ["Healthy; up to date with checks; enjoys school."],
    "adult_notes": ["Works part time; supportive of the plan."],
    "interpreter_for": ["Mum, in her first language, at visits and meetings."],
}
# Questions a real worker often leaves empty; an empty answer is honest, invented text is not.
LEFT_EMPTY = ("copy_to", "not_to_see", "languages", "manager_name")


def _text_for(question: Question, rng: random.Random) -> str | None:
    if question.id in LEFT_EMPTY:
        return None
    for key, phrases in PHRASES.items():
        if question.id == key or question.id.endswith(f"_{key}") or question.id.startswith(key):
            return rng.choice(phrases)
    return None


class _Filler:
    """Makes answers for one definition; option lists are looked up once, not per family."""

    def __init__(self, definition: FormDefinition, pack: CouncilPack):
        self.definition = definition
        self.pack = pack
        engine = FormEngine(definition, [], pack)
        self.options = {q.id: [o.code for o in engine.options(q)] for _, q in definition.questions()}

    def value(self, question: Question, rng: random.Random, when: date, episode: Episode, worker: str):
        t, qid = question.type, question.id
        if qid == "risk_of_significant_harm" or qid == "immediate_risk":
            return False
        if qid == "withdrawal_explained":
            return True  # a completed assessment may not say the family were not told
        if qid == "child_other_plan":
            return rng.choices(["none", "ehcp", "child_in_need"], [85, 10, 5])[0]
        if qid == "voice_how":
            return rng.choices(
                ["talked", "activity", "observed", "someone_close", "not_seen"], [5, 3, 2, 1, 1]
            )[0]
        if qid == "level_of_need" and episode.level_of_need:
            return str(episode.level_of_need)
        if qid == "criteria_met" and episode.criteria_met:
            return list(episode.criteria_met)
        if qid in ("assessor_name", "lead_professional"):
            return worker
        if t in ("text", "long_text"):
            return _text_for(question, rng)
        if t == "date":
            return when.isoformat()
        if t == "yes_no":
            return rng.random() < 0.7
        if t == "single_choice":
            return rng.choice(self.options[qid])
        if t == "multi_choice":
            codes = self.options[qid]
            return rng.sample(codes, min(len(codes), rng.randint(1, 3)))
        if t == "scale":
            return rng.randint(question.scale.min, question.scale.max)
        if t == "signature":
            return {"agreed": True, "name": "Parent", "method": "signed", "date": when.isoformat()}
        return None

    def answers(self, members, rng, when, episode, worker, share: float, facts: dict | None = None) -> dict:
        """``facts``: {"adult_lives_in@id": bool, ...} from the member records (prefilled, not invented)."""
        engine = FormEngine(self.definition, members, self.pack)
        answers: dict = {}
        items = [i for i in engine.all_items() if i.question.answerable]
        keep = len(items) if share >= 1 else int(len(items) * share)
        parent = next((m.name for m in members if m.role == "adult"), "")
        for item in items[:keep]:
            if facts and item.key in facts:
                answers[item.key] = facts[item.key]
                continue
            value = self.value(item.question, rng, when, episode, worker)
            if isinstance(value, dict) and value.get("name") == "Parent":
                value = {**value, "name": parent}
            if value is not None:
                answers[item.key] = value
        shown = engine.visible_keys(answers)
        return {k: v for k, v in answers.items() if k in shown}


def add_assessments(session: Session, rng: random.Random, pack: CouncilPack, today: date, worker, family_ids):
    library = default_library()
    try:
        eha = _Filler(library.latest(EHA_FORM), pack)
        feedback = _Filler(library.latest(FEEDBACK_FORM), pack)
    except NotFound:  # a council without these forms still gets demo families
        return
    episodes = episodes_in_generation_order(session, family_ids)
    if not episodes:
        return
    members: dict[str, list[Member]] = {}
    rows = session.execute(
        select(
            Person.id,
            Person.family_id,
            Person.given_name,
            Person.family_name,
            Person.role,
            Person.parental_responsibility,
            Person.lives_in_household,
        )
        .where(Person.family_id.in_([e.family_id for e in episodes]))
        .order_by(Person.family_id, Person.role, Person.date_of_birth, Person.given_name)
    )
    facts: dict[str, dict] = {}
    for pid, fid, given, family_name, role, pr, lives in rows:
        members.setdefault(fid, []).append(Member(pid, f"{given} {family_name}".strip(), role))
        if role == "adult":
            facts.setdefault(fid, {})[f"adult_parental_responsibility@{pid}"] = bool(pr)
            facts[fid][f"adult_lives_in@{pid}"] = bool(lives)
    worker_id, worker_name = worker
    for episode in episodes:
        started = (episode.allocated_on or episode.opened_on) + timedelta(days=rng.randint(2, 14))
        if started > today:
            continue
        age = (today - started).days
        fate = fate_of(session, episode)
        finished = fate is not None or (age > 30 and rng.random() < 0.75)
        status = "draft"
        if finished:
            status = "signed_off" if rng.random() < 0.6 else "completed"
        completed_on = min(started + timedelta(days=rng.randint(3, 25)), today) if finished else None
        share = 1.0 if finished else rng.uniform(0.2, 0.8)
        people = members.get(episode.family_id, [])
        answers = eha.answers(people, rng, started, episode, worker_name, share, facts.get(episode.family_id))
        if status == "signed_off":
            _threshold_decision(pack, episode, answers, completed_on)
        session.add(
            Assessment(
                id=new_id(),
                family_id=episode.family_id,
                episode_id=episode.id,
                form_id=eha.definition.id,
                form_version=eha.definition.version,
                status=status,
                answers=answers,
                started_on=started,
                completed_on=completed_on,
                assessor_id=worker_id,
                assessor_name=worker_name,
                signed_off_by="Team manager" if status == "signed_off" else "",
                signed_off_on=completed_on + timedelta(days=rng.randint(1, 7))
                if status == "signed_off"
                else None,
            )
        )
        if fate is not None and rng.random() < 0.8:
            session.add(
                Assessment(
                    id=new_id(),
                    family_id=episode.family_id,
                    episode_id=episode.id,
                    form_id=feedback.definition.id,
                    form_version=feedback.definition.version,
                    status="completed",
                    answers=feedback.answers(people, rng, fate.closes_on, episode, worker_name, 1.0),
                    started_on=fate.closes_on,
                    completed_on=fate.closes_on,
                    assessor_id=worker_id,
                    assessor_name=worker_name,
                )
            )


def _threshold_decision(pack: CouncilPack, episode: Episode, answers: dict, on: date) -> None:
    """A signed-off assessment showing statutory-level need had the manager's decision first
    (the same trigger codes ehdesk.casework.thresholds reads)."""
    rules = pack.practice.thresholds
    triggers = []
    levels = {episode.level_of_need}
    try:
        levels.add(int(answers.get("level_of_need")))
    except (TypeError, ValueError):
        pass
    triggers += [f"level:{level}" for level in sorted(lv for lv in levels if lv in rules.levels)]
    for key, value in answers.items():
        if key.startswith("child_other_plan@") and value in rules.statutory_plans:
            triggers.append(f"plan:{value}:{key.split('@', 1)[1]}")
    if triggers:
        episode.threshold_decision = {
            "decision": "continue",
            "reason": "Discussed with the social care team: the needs can be met by early help with a TAF.",
            "by": "Team manager",
            "on": on.isoformat(),
            "triggers": triggers,
        }
