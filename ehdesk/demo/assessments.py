"""Demo step: early help assessments (some drafts, some completed or signed off) for demo
episodes, and "How was it for you?" feedback for most cases headed for closing. Answers are
generated from the form definition itself, so a council's own form gets plausible demo answers too.

Every assessment is made through the casework operations (start, save, complete, the manager's
threshold decision, sign-off), each dated the day it happened in the story, so the demo record
holds to the same rules and audit trail as a worker's: an answer the operations refuse is a bug
in ``_Filler``, never something to write past."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from ehdesk.casework import assessments as ops
from ehdesk.casework.assessments import EHA_FORM, FEEDBACK_FORM, ThresholdDecisionNeeded
from ehdesk.casework.thresholds import record_decision
from ehdesk.config.pack import CouncilPack
from ehdesk.demo.fates import ends_on, fate_of
from ehdesk.demo.managers import MANAGER, as_manager
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.errors import NotFound
from ehdesk.forms.definition import FormDefinition, Question
from ehdesk.forms.engine import FormEngine
from ehdesk.forms.loader import default_library
from ehdesk.models import Assessment, Episode, Family

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
# "How was it for you?" questions whose options run from the best answer to the worst, and how
# often families give each: mostly good, in step with the demo's own words ("Mornings are calmer").
BEST_FIRST = ("overall", "listened", "positive_difference", "recommend", "child_feeling")
FEEDBACK_WEIGHTS = [10, 6, 2, 1, 0.5]
# Answers only the record can give (the operation offers them when starting the form): with
# nothing on record the worker leaves them empty rather than invent them.
FROM_RECORD_ONLY = ("professionals", "adult_lives_in", "adult_parental_responsibility")


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

    def value(
        self,
        question: Question,
        rng: random.Random,
        when: date,
        episode: Episode,
        worker: str,
        family: Family | None,
    ):
        t, qid = question.type, question.id
        if qid in FROM_RECORD_ONLY:
            return None
        if qid == "interpreter_needed" and family is not None:
            return bool(family.interpreter_needed)
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
        # What the rest of the record already says (the worker is from the family service; the
        # case goes on to a TAF; its presenting factors), and the rare answers kept rare.
        if qid == "assessor_agency" and "family_service" in self.options.get(qid, ()):
            return "family_service"
        if qid == "presenting_factors" and episode.presenting_factors:
            return list(episode.presenting_factors)
        if qid == "next_step":
            return "taf"
        if qid in ("child_address_differs", "national_evaluation_opt_out"):
            return rng.random() < 0.1
        if qid == "consent_to_share":
            return rng.random() < 0.95
        if qid == "level_of_need" and episode.level_of_need:
            return str(episode.level_of_need)
        if qid == "criteria_met" and episode.criteria_met:
            return list(episode.criteria_met)
        if qid in ("assessor_name", "lead_professional"):
            return worker
        if qid in BEST_FIRST:  # most families rate early help well; a few do not
            if t == "scale":
                best_first = list(range(question.scale.max, question.scale.min - 1, -1))
            else:
                best_first = self.options[qid]
            return rng.choices(best_first, FEEDBACK_WEIGHTS[: len(best_first)])[0]
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

    def answers(
        self, members, rng, when, episode, worker, share: float, known: dict, family: Family | None = None
    ) -> dict:
        """The answers a worker records: ``known`` (what the operation offered when the form was
        started, e.g. parental responsibility from the member record) is kept as offered; the
        first ``share`` of the other questions is answered (a draft is part-done)."""
        engine = FormEngine(self.definition, members, self.pack)
        answers: dict = {}
        items = [i for i in engine.all_items() if i.question.answerable]
        keep = len(items) if share >= 1 else int(len(items) * share)
        adults = [m for m in members if m.role == "adult"]
        # The consent is signed by a parent with parental responsibility (as the record has it).
        with_pr = [m for m in adults if known.get(f"adult_parental_responsibility@{m.id}")]
        parent = (with_pr or adults)[0].name if adults else ""
        for n, item in enumerate(items):
            if item.key in known:
                answers[item.key] = known[item.key]
                continue
            if n >= keep:
                continue
            value = self.value(item.question, rng, when, episode, worker, family)
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
    # The same members, in the same order, that the operations show the form (family_members).
    members = {e.family_id: ops.family_members(session, e.family_id) for e in episodes}
    families = {e.family_id: session.get(Family, e.family_id) for e in episodes}
    worker_name = worker[1]
    for episode in episodes:
        started = (episode.allocated_on or episode.opened_on) + timedelta(days=rng.randint(2, 14))
        ends = ends_on(session, episode, today)
        if started > ends:
            continue
        age = (today - started).days
        fate = fate_of(session, episode)
        finished = fate is not None or (age > 30 and rng.random() < 0.75)
        signed_off = finished and rng.random() < 0.6
        completed_on = min(started + timedelta(days=rng.randint(3, 25)), ends) if finished else None
        share = 1.0 if finished else rng.uniform(0.2, 0.8)
        people = members[episode.family_id]
        family = families[episode.family_id]
        row = _start(session, library, episode, EHA_FORM, started)
        answers = eha.answers(people, rng, started, episode, worker_name, share, row.answers, family)
        if completed_on is None:
            ops.save_draft(session, row.id, answers)
            continue
        ops.complete_assessment(session, row.id, answers, library=library, today=completed_on)
        if signed_off:
            on = min(completed_on + timedelta(days=rng.randint(1, 7)), ends)
            _manager_signs_off(session, episode, row, on)
        if fate is not None and rng.random() < 0.9:
            row = _start(session, library, episode, FEEDBACK_FORM, fate.closes_on)
            answers = feedback.answers(
                people, rng, fate.closes_on, episode, worker_name, 1.0, row.answers, family
            )
            ops.complete_assessment(session, row.id, answers, library=library, today=fate.closes_on)


def _manager_signs_off(session: Session, episode: Episode, row: Assessment, on: date) -> None:
    """The manager signs off the completed assessment; where it shows statutory-level need the
    sign-off is refused until they decide (here: continue with early help, for a reason)."""
    with as_manager(session):
        try:
            ops.sign_off_assessment(session, row.id, MANAGER, today=on)
        except ThresholdDecisionNeeded:
            session.flush()  # the decision reads the triggers in the stored answers
            record_decision(
                session,
                episode.id,
                decision="continue",
                reason=CONTINUE_REASON,
                actor_role="manager",
                today=on,
                manager_name=MANAGER,
            )
            ops.sign_off_assessment(session, row.id, MANAGER, today=on)


CONTINUE_REASON = "Discussed with the social care team: the needs can be met by early help with a TAF."


def _start(session: Session, library, episode: Episode, form_id: str, on: date) -> Assessment:
    """A new draft through the operation, and its row: held, so the next operations find it in
    the session rather than query for it."""
    assessment_id = ops.start_assessment(
        session, episode.family_id, form_id, episode_id=episode.id, library=library, today=on
    )
    row = session.get(Assessment, assessment_id)
    assert row is not None
    return row
