"""The engine: conditions, per-member repeats, the safeguarding stop, required answers, progress."""

import pytest

from ehdesk.config.pack import current_pack
from ehdesk.forms.engine import FormEngine, Member
from ehdesk.forms.loader import default_library

MEMBERS = [
    Member("c1", "Amara Okafor", "child"),
    Member("c2", "Tobi Okafor", "child"),
    Member("a1", "Grace Okafor", "adult"),
    Member("a2", "Daniel Okafor", "adult"),
]


@pytest.fixture
def eha():
    return FormEngine(default_library().latest("early-help-assessment"), MEMBERS, current_pack())


def test_a_question_appears_only_when_its_condition_holds(eha):
    assert "share_with" not in eha.visible_keys({"consent_to_share": False})
    assert "share_with" in eha.visible_keys({"consent_to_share": True})


def test_hidden_questions_are_not_required(eha):
    # "Who needs an interpreter?" is required, but only asked when someone needs one.
    assert "interpreter_for" not in eha.validate({"interpreter_needed": False})
    assert eha.validate({"interpreter_needed": True})["interpreter_for"] == "This needs an answer."


def test_risk_of_significant_harm_shows_the_guidance_and_stops_the_form(eha):
    shown, stop = eha.walk({"risk_of_significant_harm": True})
    assert stop is not None and stop.key == "harm_guidance"
    assert "safeguarding" in stop.question.label
    assert shown[-1] is stop and "reason" not in {i.key for i in shown}
    problems = eha.validate(
        {"risk_of_significant_harm": True, "started_on": "2026-09-01", "assessor_name": "Sam"}
    )
    assert set(problems) == {"harm_guidance"}  # nothing after the stop is asked for
    assert "stops here" in problems["harm_guidance"]
    assert eha.stopped_by({"risk_of_significant_harm": False}) is None


def test_repeated_sections_ask_each_child_and_each_adult(eha):
    keys = eha.visible_keys({})
    assert {"voice_how@c1", "voice_how@c2"} <= keys
    assert "voice_how@a1" not in keys
    assert {"adult_lives_in@a1", "adult_lives_in@a2"} <= keys
    seen = {"voice_how@c1": "talked", "voice_how@c2": "talked"}
    problems = eha.validate(seen | {"voice_words@c1": "She likes drawing"})
    assert "voice_words@c1" not in problems
    assert problems["voice_words@c2"] == "This needs an answer."


def test_a_child_not_yet_seen_needs_the_reason_and_the_plan_not_their_words(eha):
    answers = {"voice_how@c1": "not_seen", "voice_how@c2": "talked", "voice_words@c2": "Likes football"}
    problems = eha.validate(answers)
    assert "voice_words@c1" not in eha.visible_keys(answers)  # no words invented for them
    assert problems["voice_not_seen_reason@c1"] == "This needs an answer."
    assert problems["voice_plan_to_see@c1"] == "This needs an answer."
    assert "voice_not_seen_reason@c2" not in problems


def test_the_worry_scale_prints_the_end_the_score_means(eha):
    from ehdesk.forms.engine import scale_words

    _, question = eha.definition.question("child_needs_worry")
    assert scale_words(question.scale, 10) == "10 out of 10 (not worried at all)"
    assert scale_words(question.scale, 0) == "0 out of 10 (very worried)"
    assert (
        scale_words(question.scale, 4) == "4 out of 10, where 0 is very worried and 10 is not worried at all"
    )


def test_required_answers_and_their_types_are_checked(eha):
    problems = eha.validate({"readiness": 9, "started_on": "2026-02-30", "level_of_need": "7"})
    assert problems["readiness"] == "Choose a point from 1 to 5."
    assert problems["started_on"] == "That date does not exist."
    assert problems["level_of_need"] == "Choose one of the options."
    assert problems["risk_of_significant_harm"] == "Answer yes or no."
    assert problems["consent_to_assess"] == "Consent has not been recorded."
    assert "copy_to" not in problems  # optional


def test_options_from_the_council_pack(eha):
    _, question = eha.definition.question("level_of_need")
    labels = [o.label for o in eha.options(question)]
    assert labels[1] == current_pack().levels_of_need[1].label
    assert eha.display(question, "2") == current_pack().levels_of_need[1].label


def test_progress_counts_required_answers_that_are_shown(eha):
    before = eha.progress({})
    after = eha.progress({"started_on": "2026-09-01", "assessor_name": "Sam"})
    assert after.answered_required == before.answered_required + 2
    assert after.required == before.required
    assert 0 < after.percent < 100
    # Saying yes to sharing adds no required question; needing an interpreter adds one.
    assert eha.progress({"interpreter_needed": True}).required == before.required + 1


def test_everyone_sections_and_other_kinds_of_condition():
    from ehdesk.forms.definition import FormDefinition

    definition = FormDefinition.model_validate(
        {
            "format": "ehdesk-form",
            "id": "mini",
            "version": 1,
            "title": "Mini",
            "sections": [
                {
                    "id": "worries",
                    "title": "Worries",
                    "questions": [
                        {
                            "id": "areas",
                            "type": "multi_choice",
                            "label": "Areas",
                            "options": [
                                {"code": "money", "label": "Money"},
                                {"code": "school", "label": "School"},
                            ],
                        },
                        {
                            "id": "debts",
                            "type": "text",
                            "label": "Debts",
                            "required": True,
                            "show_if": {"question": "areas", "equals": "money"},
                        },
                        {"id": "note", "type": "text", "label": "Note"},
                    ],
                },
                {
                    "id": "everyone",
                    "title": "Everyone",
                    "repeat": "everyone",
                    "show_if": {"question": "note", "answered": True},
                    "questions": [
                        {"id": "mood", "type": "scale", "label": "Mood", "scale": {"min": 0, "max": 4}},
                        {
                            "id": "why",
                            "type": "text",
                            "label": "Why so low?",
                            "required": True,
                            "show_if": {"question": "mood", "any_of": [0, 1]},
                        },
                    ],
                },
            ],
        }
    )
    engine = FormEngine(definition, MEMBERS)
    assert "debts" not in engine.visible_keys({"areas": ["school"]})
    assert engine.validate({"areas": ["school", "money"]}) == {"debts": "This needs an answer."}
    # A section shown only once a note is written, asked of all four members.
    assert not any(k.startswith("mood@") for k in engine.visible_keys({}))
    keys = engine.visible_keys({"note": "see file"})
    assert {f"mood@{m.id}" for m in MEMBERS} <= keys
    # The follow-up is asked only of the member who scored low.
    answers = {"note": "see file", "mood@c1": 1, "mood@a1": 4}
    assert engine.validate(answers) == {"why@c1": "This needs an answer."}
