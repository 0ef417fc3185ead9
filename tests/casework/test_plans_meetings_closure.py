"""Plans, meetings, sessions, closure checks and the 12-month sign-off, through casework."""

from datetime import date

import pytest

from ehdesk.casework import closure, closure_rules, extensions, meetings, plans, readings, sessions
from ehdesk.casework.episode_access import EpisodeClosed
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.errors import EhdeskError, ValidationError
from ehdesk.models import AuditEvent, Episode

OUTCOME = {
    "what_will_be_different": "Sam gets to school every day",
    "for_whom": "Sam",
    "how_we_will_know": "Attendance over 95%",
}
ACTION = {"what": "Morning routine chart", "who_name": "Mum", "by_when": date(2026, 3, 1)}


def take_reading(s, episode_id, on, occasion="review", value=5):
    keys = ["health", "feelings", "safety", "relationships", "parenting"]
    keys += ["learning", "home", "money", "work", "support"]
    data = {"occasion": occasion, "taken_on": on, "participants_other": "Mum"}
    return readings.take_reading(
        s, episode_id, "family_spider", data | {"answers": dict.fromkeys(keys, value)}
    )


def hold(s, episode_id, kind, on, next_on, outcome=""):
    """A meeting held as the rules want: the family and the school (by written update) took
    part, and a review records each outcome's progress after a new reading."""
    if not plans.get_plan(s, episode_id).outcomes:
        plans.add_outcome(s, episode_id, OUTCOME)
    if kind == "taf_review":
        take_reading(s, episode_id, on)
    reviews = [
        {"outcome_id": o.id, "progress": outcome or "no_change"}
        for o in plans.get_plan(s, episode_id).outcomes
    ]
    meeting_id = meetings.create_meeting(s, episode_id, kind, on, "Family home")
    meetings.update_meeting(
        s,
        meeting_id,
        {
            "attendees": [
                {"name": "Mum", "role": "Parent"},
                {
                    "name": "Ms Ali",
                    "agency": "school",
                    "attendance": "apologies",
                    "written_update": "Attendance up",
                },
            ],
            "confidentiality_read": True,
            "family_updates": [
                {"name": "Mum", "text": "Mornings are easier"},
                {"name": "Sam", "is_child": True, "text": "I like school now"},
            ],
            "review_outcome": outcome,
            "next_meeting_on": next_on,
            "outcome_reviews": reviews if kind == "taf_review" else [],
        },
    )
    return meeting_id, meetings.complete_meeting(s, meeting_id)


def test_plan_validation_speaks_plainly(store, episode):
    _, episode_id = episode
    with store.session() as s:
        with pytest.raises(ValidationError) as err:
            plans.add_outcome(s, episode_id, {"what_will_be_different": "x"})
        assert "who the outcome is for" in str(err.value)
        outcome_id = plans.add_outcome(s, episode_id, OUTCOME)
        with pytest.raises(ValidationError) as err:
            plans.add_action(s, outcome_id, {"what": "Call school", "who_agency": "nasa"})
        assert err.value.fields.keys() == {"who_agency", "by_when"}


def test_meeting_needs_next_date_and_review_versions_the_plan(store, episode):
    _, episode_id = episode
    with store.session() as s:
        outcome_id = plans.add_outcome(s, episode_id, OUTCOME)
        action_id = plans.add_action(s, outcome_id, ACTION)
        meeting_id = meetings.create_meeting(s, episode_id, "initial_taf", date(2026, 2, 2))
        with pytest.raises(ValidationError) as err:
            meetings.complete_meeting(s, meeting_id)
        assert "Set the date of the next meeting" in err.value.fields["next_meeting_on"]
    with store.session() as s:
        with pytest.raises(ValidationError):
            meetings.create_meeting(s, episode_id, "taf_review", date(2026, 4, 1))
    with store.session() as s:
        s.get(meetings.Meeting, meeting_id).deleted = True  # the unfinished draft is thrown away
    with store.session() as s:
        first_id, v1 = hold(s, episode_id, "initial_taf", date(2026, 2, 2), date(2026, 4, 20))
        view = meetings.get_meeting(s, first_id)
        assert view.family_updates[0]["name"] == "Sam"  # the child's voice first
        plans.update_action(s, action_id, {"status": "done"})
        _, v2 = hold(s, episode_id, "taf_review", date(2026, 4, 20), date(2026, 7, 6), "positive_change")
        history = plans.plan_history(s, episode_id)
    assert (v1, v2) == (1, 2)
    story = plans.history_story(history)
    assert "Version 1" in story and "the plan was agreed" in story
    assert "Morning routine chart: Not started → Done" in story
    assert "positive change" in story
    with store.session() as s:
        facts = facts_for_episodes(s, [s.get(Episode, episode_id)])[episode_id]
    assert facts.first_taf_on == date(2026, 2, 2)
    assert facts.review_dates == (date(2026, 4, 20),)
    assert facts.next_meeting_planned_on == date(2026, 7, 6)


def test_the_plan_history_gives_a_new_actions_date_as_it_gives_a_changed_one():
    # A new action agreed at a review read "by 2026-07-22" in "How the plan has changed", beside
    # "now due by 22 July 2026" for an action given a new date.
    from ehdesk.config.dates import show_date

    action = {"id": "a", "what": "Call school", "who": "Mum", "status": "not_started", "rag": ""}
    before = [
        {"id": "o", "what_will_be_different": "Sam gets to school", "actions": [action | {"by_when": ""}]}
    ]
    after = [
        {
            "id": "o",
            "what_will_be_different": "Sam gets to school",
            "actions": [
                action | {"by_when": "2026-07-22"},
                action | {"id": "b", "what": "Breakfast club", "by_when": "2026-08-01"},
            ],
        }
    ]
    assert plans.describe_changes(before, after) == [
        f"Call school: now due by {show_date(date(2026, 7, 22))} (was no date)",
        f"New action: Breakfast club (Mum, by {show_date(date(2026, 8, 1))})",
    ]


def test_planned_sessions_are_upcoming_and_held_ones_need_para(store, episode):
    family_id, episode_id = episode
    with store.session() as s:
        sessions.save_session(s, episode_id, {"session_on": date(2026, 3, 10), "session_type": "home_visit"})
        with pytest.raises(ValidationError) as err:
            sessions.save_session(
                s, episode_id, {"session_on": date(2026, 3, 1), "session_type": "phone", "status": "held"}
            )
        assert "Write the purpose" in str(err.value)
        sessions.save_session(
            s,
            episode_id,
            {
                "session_on": date(2026, 3, 1),
                "session_type": "phone",
                "status": "held",
                "duration_minutes": 30,
                "notes": {"purpose": "Check in", "analysis": "Going well"},
                "seen": [
                    {"name": "Sam", "is_child": True, "seen_alone": True},
                    {"name": "Mum", "seen_alone": True},
                ],
            },
        )
        upcoming = sessions.upcoming_sessions(s, date(2026, 3, 5))
        listed = sessions.list_sessions(s, episode_id)
    assert [(u.family_id, u.session_on) for u in upcoming] == [(family_id, date(2026, 3, 10))]
    with store.session() as s:
        facts = facts_for_episodes(s, [s.get(Episode, episode_id)])[episode_id]
    assert facts.planned_session_dates == (date(2026, 3, 10),)
    held = [x for x in listed if x.status == "held"][0]
    assert [p["seen_alone"] for p in held.seen] == [True, False]  # only a child is "seen alone"


def test_closure_says_what_is_missing_and_a_manager_can_override(store, episode, monkeypatch):
    _, episode_id = episode
    monkeypatch.setitem(closure_rules.CHECKS, "closing_reading", lambda s, e, ctx: "No closing reading.")
    monkeypatch.setattr(closure_rules, "checks_for", lambda reason: ["closing_reading"])
    with store.session() as s:
        with pytest.raises(ValidationError) as err:
            closure.close_episode(
                s, episode_id, reason="stepped_up", closed_on=date(2026, 5, 1), today=date(2026, 5, 2)
            )
        assert set(err.value.fields) == {"handover"}  # a step-up rests on its handover record
        with pytest.raises(closure.ClosureBlocked) as blocked:
            closure.close_episode(
                s, episode_id, reason="goals_achieved", closed_on=date(2026, 5, 1), today=date(2026, 5, 2)
            )
        assert blocked.value.missing == ["No closing reading."]
        assert "no closing reading" in str(blocked.value)
        with pytest.raises(EhdeskError, match="Only a manager"):
            closure.close_episode(
                s,
                episode_id,
                reason="goals_achieved",
                closed_on=date(2026, 5, 1),
                today=date(2026, 5, 2),
                override_reason="Family moved before the last visit",
            )
    with store.session() as s:
        view = closure.close_episode(
            s,
            episode_id,
            reason="stepped_up",
            closed_on=date(2026, 5, 1),
            today=date(2026, 5, 2),
            handover={
                "handed_over_on": date(2026, 4, 30),
                "reason": "Risk escalated",
                "information_shared": "Assessment and plan",
                "received_by": "Assessment team 2",
            },
            override_reason="Urgent step-up",
            actor_role="manager",
        )
    assert view.override_reason == "Urgent step-up" and view.missing == ("No closing reading.",)
    with store.session() as s:
        with pytest.raises(EpisodeClosed):
            plans.add_outcome(s, episode_id, OUTCOME)
        with pytest.raises(EpisodeClosed):
            closure.reopen_episode(
                s, episode_id, reason="New worries", today=date(2026, 6, 1), actor_role="practitioner"
            )
        closure.reopen_episode(
            s, episode_id, reason="New worries", today=date(2026, 6, 1), actor_role="manager"
        )
    with store.session() as s:
        assert s.get(Episode, episode_id).status == "open"
        assert closure.get_closure(s, episode_id) is None
        ops = [e.detail.get("op") for e in s.query(AuditEvent).filter(AuditEvent.entity == "episode")]
    assert ops == ["close", "reopen"]


def test_closure_asks_for_the_feedback_form_from_assessments(store, episode):
    _, episode_id = episode
    with store.session() as s:
        missing = closure.missing_items(s, episode_id, "other")
    assert 'The family\'s "How was it for you?" feedback has not been completed for this case.' in missing


def test_closure_with_nothing_missing_needs_no_override(store, episode, monkeypatch):
    _, episode_id = episode
    monkeypatch.setattr(closure_rules, "checks_for", lambda reason: [])
    with store.session() as s:
        closure.close_episode(
            s, episode_id, reason="goals_achieved", closed_on=date(2026, 5, 1), today=date(2026, 5, 2)
        )
        ep = s.get(Episode, episode_id)
        assert (ep.status, ep.closure_reason, ep.closed_on) == ("closed", "goals_achieved", date(2026, 5, 1))


def test_signoff_list_and_manager_signoff(store, episode):
    _, episode_id = episode
    with store.session() as s:
        assert extensions.episodes_needing_signoff(s, "team-a", date(2027, 1, 4)) == []
        [item] = extensions.episodes_needing_signoff(s, "team-a", date(2027, 1, 6))
        assert (item.episode_id, item.limit_on, item.days_over) == (episode_id, date(2027, 1, 5), 1)
        assert extensions.episodes_needing_signoff(s, "team-b", date(2027, 1, 6)) == []
        with pytest.raises(EhdeskError, match="Only a manager"):
            extensions.sign_off_extension(
                s,
                episode_id,
                reason="x",
                close_by=date(2027, 4, 1),
                today=date(2027, 1, 6),
                actor_role="practitioner",
            )
        with pytest.raises(ValidationError) as err:
            extensions.sign_off_extension(
                s,
                episode_id,
                reason="",
                close_by=date(2027, 1, 1),
                today=date(2027, 1, 6),
                actor_role="manager",
            )
        assert set(err.value.fields) == {"reason", "close_by"}
        extensions.sign_off_extension(
            s,
            episode_id,
            reason="School transition in spring",
            close_by=date(2027, 4, 1),
            today=date(2027, 1, 6),
            actor_role="manager",
        )
        assert extensions.episodes_needing_signoff(s, "team-a", date(2027, 1, 6)) == []
        facts = facts_for_episodes(s, [s.get(Episode, episode_id)])[episode_id]
    assert (facts.extension_close_by, facts.extension_signed_off_on) == (date(2027, 4, 1), date(2027, 1, 6))


def test_moving_the_next_review_shows_beside_the_unchanged_due_date(store, episode):
    from ehdesk.casework.timescales import due_items
    from ehdesk.config.pack import current_pack

    _, episode_id = episode
    with store.session() as s:
        first_id, _ = hold(s, episode_id, "initial_taf", date(2026, 2, 2), date(2026, 4, 20))
        meetings.rebook_next_meeting(s, first_id, date(2026, 5, 4))  # moved past the 12 weeks
        with pytest.raises(ValidationError):
            meetings.rebook_next_meeting(s, first_id, date(2026, 1, 1))
        facts = facts_for_episodes(s, [s.get(Episode, episode_id)])[episode_id]
    review = {i.code: i for i in due_items(facts, current_pack().timescales, date(2026, 3, 1))}["review"]
    assert review.due_on == date(2026, 4, 27)
    assert review.detail == "booked for 4 May 2026, after it is due"


def test_a_meeting_cannot_be_completed_before_the_last_one(store, episode):
    _, episode_id = episode
    with store.session() as s:
        hold(s, episode_id, "initial_taf", date(2026, 2, 2), date(2026, 4, 20))
        with pytest.raises(ValidationError) as err:
            hold(s, episode_id, "taf_review", date(2026, 1, 30), date(2026, 4, 20), "no_change")
    assert "can't be dated before the last completed one" in str(err.value)
