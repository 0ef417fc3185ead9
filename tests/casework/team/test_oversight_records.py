"""Allocation by a manager, supervision actions on the worker's caseload, and case audits."""

from datetime import date, timedelta

import pytest

from ehdesk.casework import allocation, case_audit, caseload, supervision
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.record_checks import ManagersOnly
from ehdesk.casework.timescales import due_items
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import AuditEvent, Episode


def test_a_manager_reallocates_within_the_team_with_a_handover_note_and_it_is_audited(world):
    with world.session() as s:
        assert [w.name for w in allocation.team_workers(s, world.north)] == [
            "Ann Worker",
            "Bob Worker",
            "Mo Manager",
        ]
        with pytest.raises(ManagersOnly, match="Only a manager can allocate"):
            allocation.allocate_episode(
                s,
                world.episode_id,
                world.bob,
                allocated_on=date(2026, 3, 1),
                handover_note="x",
                actor_role="practitioner",
                actor_team_id=world.north,
            )
        with pytest.raises(ValidationError) as caught:
            allocation.allocate_episode(
                s,
                world.episode_id,
                world.sue,
                allocated_on=date(2026, 3, 1),
                handover_note="",
                actor_role="manager",
                actor_team_id=world.north,
            )
        assert caught.value.fields == {
            "worker_id": "Sue Worker is not in your team.",
            "handover_note": "Write a handover note for the new worker.",
        }
        allocation.allocate_episode(
            s,
            world.episode_id,
            world.bob,
            allocated_on=date(2026, 3, 1),
            handover_note="Mum prefers afternoons; school meeting on Friday.",
            actor_role="manager",
            actor_team_id=world.north,
        )
    with world.session() as s:
        episode = s.get(Episode, world.episode_id)
        assert (episode.allocated_worker_id, episode.allocated_worker_name) == (world.bob, "Bob Worker")
        assert episode.allocated_on == date(2026, 1, 5)  # the first-TAF clock does not restart
        (history,) = allocation.allocation_history(s, world.episode_id)
        assert (history.previous_worker_name, history.worker_name) == ("Ann Worker", "Bob Worker")
        assert allocation.latest_handover_note(s, world.episode_id).startswith("Mum prefers afternoons")
        events = [e.detail for e in s.query(AuditEvent).filter_by(entity="allocation")]
        assert events == [
            {"change": "reallocate", "episode": world.episode_id, "worker": world.bob, "previous": world.ann}
        ]
        assert [r.episode_id for r in caseload.caseload(s, world.bob)] == [world.episode_id]
        assert caseload.caseload(s, world.ann) == []
        # A manager of South cannot take a North family.
        with pytest.raises(ValidationError, match="belongs to another team"):
            allocation.allocate_episode(
                s,
                world.episode_id,
                world.sue,
                allocated_on=date(2026, 3, 2),
                handover_note="n",
                actor_role="manager",
                actor_team_id=world.south,
            )


def test_supervision_actions_with_due_dates_appear_on_the_workers_caseload_until_done(world):
    today = date.today()
    with world.session() as s:
        with pytest.raises(ValidationError) as caught:
            supervision.record_supervision(
                s,
                world.episode_id,
                {"held_on": today, "discussion": "", "actions": [{"what": "Chase GP letter"}]},
                actor_role="manager",
            )
        assert caught.value.fields == {
            "discussion": "What was discussed is missing.",
            "actions": "The action \u201cChase GP letter\u201d needs a date it is due by.",
        }
        sup = supervision.record_supervision(
            s,
            world.episode_id,
            {
                "held_on": today,
                "discussion": "Attendance still low.",
                "decisions": "Keep open.",
                "actions": [
                    {"what": "Chase GP letter", "due_on": today - timedelta(days=3)},
                    {"what": "Book joint visit", "due_on": today + timedelta(days=10)},
                ],
            },
            actor_role="manager",
        )
    with world.session() as s:
        assert _due(s, world, today) == [
            ("Action from supervision or audit", today - timedelta(days=3), True, "2 open")
        ]
        supervision.complete_supervision_action(s, sup, 0, today)
    with world.session() as s:
        assert _due(s, world, today) == [
            ("Action from supervision or audit", today + timedelta(days=10), False, "")
        ]
        (view,) = supervision.list_supervisions(s, world.episode_id)
        assert view.actions[0]["done_on"] == today.isoformat()
        supervision.complete_supervision_action(s, sup, 1, today)
    with world.session() as s:
        assert _due(s, world, today) == []


def _due(s, world, today):
    """The manager's actions among the things due on the episode (what the caseload ranks)."""
    facts = facts_for_episodes(s, [s.get(Episode, world.episode_id)])[world.episode_id]
    return [
        (i.label, i.due_on, i.overdue, i.detail)
        for i in due_items(facts, current_pack().timescales, today)
        if i.code == "manager_action"
    ]


def _answers(grade):
    from ehdesk.config.pack import current_pack

    return [{"question": q, "grade": grade, "comment": ""} for q in current_pack().codes("audit_questions")]


def test_case_audits_are_graded_against_the_pack_re_audited_and_counted_by_grade(world):
    with world.session() as s:
        with pytest.raises(ValidationError) as caught:
            case_audit.record_audit(
                s,
                world.episode_id,
                {"audited_on": date(2026, 4, 1), "answers": _answers("good")[:5], "grade": "inadequate"},
                actor_role="manager",
            )
        assert caught.value.fields == {
            "answers": "Grade every audit question: Management oversight, Impact.",
            "actions": "A case graded below good needs at least one action with a due date.",
        }
        first = case_audit.record_audit(
            s,
            world.episode_id,
            {
                "audited_on": date(2026, 4, 1),
                "answers": _answers("requires_improvement"),
                "grade": "requires_improvement",
                "summary": "Plan not SMART.",
                "actions": [{"what": "Rewrite outcomes", "due_on": date(2026, 5, 1)}],
            },
            actor_role="manager",
        )
        case_audit.record_audit(
            s,
            world.episode_id,
            {
                "audited_on": date(2026, 5, 20),
                "answers": _answers("good"),
                "grade": "good",
                "follows_audit_id": first,
            },
            actor_role="manager",
        )
        with pytest.raises(ManagersOnly):
            case_audit.record_audit(s, world.episode_id, {}, actor_role="practitioner")
        audits = case_audit.list_audits(s, world.episode_id)
        assert [(a.grade_label, a.follows_audit_id) for a in audits] == [
            ("Requires improvement", None),
            ("Good", first),
        ]
        assert case_audit.audits_by_grade(s, date(2026, 1, 1), date(2026, 12, 31)) == [
            ("outstanding", "Outstanding", 0),
            ("good", "Good", 1),
            ("requires_improvement", "Requires improvement", 1),
            ("inadequate", "Inadequate", 0),
        ]
        assert (
            sum(
                n
                for *_, n in case_audit.audits_by_grade(
                    s, date(2026, 5, 1), date(2026, 12, 31), [world.south]
                )
            )
            == 0
        )


def test_a_team_move_is_only_asked_for_by_a_manager_with_a_reason_and_once(world):
    from ehdesk.casework import team_moves

    with world.session() as s:
        assert team_moves.other_teams(s, world.family_id) == [(world.south, "South")]
        with pytest.raises(ManagersOnly):
            team_moves.request_team_move(s, world.family_id, world.south, "Moved", actor_role="practitioner")
        with pytest.raises(ValidationError) as caught:
            team_moves.request_team_move(s, world.family_id, world.north, " ", actor_role="manager")
        assert caught.value.fields == {
            "to_team_id": "The family already belongs to North.",
            "reason": "The reason for the move is missing.",
        }
        team_moves.request_team_move(
            s, world.family_id, world.south, "Moved to Southtown", actor_role="manager"
        )
        with pytest.raises(ValidationError, match="already been asked for"):
            team_moves.request_team_move(s, world.family_id, world.south, "Again", actor_role="manager")
        (view,) = team_moves.move_requests(s, world.family_id)
        assert (view.to_team_name, view.status) == ("South", "open")
