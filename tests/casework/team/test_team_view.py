"""The manager's team view and the head of service's list, on worked data (today 1 June 2026).

- Hill (Ann): opened 5 Jan 2026, nothing done since: first TAF, agreement and baseline reading
  overdue (3); no contact since allocation (21 weeks > 6); not past the limit; no plan to drift.
- Dunn (Ann): opened 1 May 2025, so past the 12-month limit on 1 May 2026 (overdue); initial TAF
  and two reviews with the plan unchanged at each (drift); the next review (due 2 Feb 2026), its
  reading and the never-signed agreement are overdue: 4 items. A session held on 25 May: in contact.
- Shah (Bob): opened 10 May 2026, nothing due yet, allocated 22 days ago: in contact.
- Reed (North): a request received 15 May 2026 and never triaged; Hill's request likewise.
- Far (South): open since 10 Jan 2025 with a signed-off close-by date; only the head of service
  list shows it (142 days beyond the limit)."""

from datetime import date

from ehdesk.casework import episodes, families, meetings, referrals, sessions
from ehdesk.casework.team_view import beyond_limit, team_view
from ehdesk.models import Episode, Family

TODAY = date(2026, 6, 1)


def _family(s, world, name, team):
    family_id = families.create_family(s, {"household_name": name})
    s.get(Family, family_id).team_id = team
    return family_id


def _episode(s, family_id, opened, worker, name):
    return episodes.open_episode(
        s,
        family_id,
        {
            "opened_on": opened,
            "allocated_on": opened,
            "allocated_worker_id": worker,
            "allocated_worker_name": name,
        },
    )


def _held(s, episode_id, kind, on, next_on):
    meeting_id = meetings.create_meeting(s, episode_id, kind, on)
    meetings.update_meeting(
        s,
        meeting_id,
        {
            "attendees": [{"name": "Jo Dunn", "attendance": "attended"}],
            "confidentiality_read": True,
            "next_meeting_on": next_on,
            **({"review_outcome": "no_change"} if kind == "taf_review" else {}),
        },
    )
    # The worked data is about drift, not quorum: the manager completes these with a reason.
    meetings.complete_meeting(
        s, meeting_id, today=TODAY, override_reason="Recorded from the paper file", actor_role="manager"
    )


def test_team_view_figures_on_worked_data(world):
    with world.session() as s:
        dunn = _family(s, world, "Dunn", world.north)
        dunn_ep = _episode(s, dunn, date(2025, 5, 1), world.ann, "Ann Worker")
        _held(s, dunn_ep, "initial_taf", date(2025, 6, 1), date(2025, 8, 20))
        _held(s, dunn_ep, "taf_review", date(2025, 8, 20), date(2025, 11, 10))
        _held(s, dunn_ep, "taf_review", date(2025, 11, 10), date(2026, 2, 2))
        sessions.save_session(
            s,
            dunn_ep,
            {
                "session_on": date(2026, 5, 25),
                "session_type": "home_visit",
                "status": "held",
                "duration_minutes": 60,
                "notes": {"purpose": "Routines"},
                "seen": [{"name": "Jo Dunn"}],
            },
        )
        shah = _family(s, world, "Shah", world.north)
        _episode(s, shah, date(2026, 5, 10), world.bob, "Bob Worker")
        reed = _family(s, world, "Reed", world.north)
        referrals.record_referral(s, reed, {"received_on": date(2026, 5, 15)})
        far = _family(s, world, "Far", world.south)
        far_ep = _episode(s, far, date(2025, 1, 10), world.sue, "Sue Worker")
        s.get(Episode, far_ep).extension_close_by = date(2026, 7, 1)

    with world.session() as s:
        view = team_view(s, world.north, TODAY)
    figures = [
        (r.name, r.caseload, r.overdue_items, r.past_limit, r.no_contact, r.drifting) for r in view.rows
    ]
    assert figures == [
        ("Ann Worker", 2, 7, 1, 1, 1),
        ("Bob Worker", 1, 0, 0, 0, 0),
        ("Mo Manager", 0, 0, 0, 0, 0),
    ]
    t = view.totals
    assert (t.caseload, t.overdue_items, t.past_limit, t.no_contact, t.drifting) == (3, 7, 1, 1, 1)
    assert [w.household_name for w in view.unallocated] == ["Hill", "Reed"]
    assert (view.team_name, view.no_contact_weeks, view.drift_reviews) == ("North", 6, 2)
    ann = view.rows[0]
    dunn_flags = next(f for f in ann.episodes if f.household_name == "Dunn")
    assert dunn_flags.overdue == (
        "Early help agreement signed",
        "TAF review",
        "Progression reading before the review",
        "12-month limit: close or get sign-off",
    )
    assert (dunn_flags.last_contact, dunn_flags.drifting) == (date(2026, 5, 25), True)
    hill_flags = next(f for f in ann.episodes if f.household_name == "Hill")
    assert (hill_flags.last_contact, hill_flags.no_contact) == (date(2026, 1, 5), True)

    with world.session() as s:
        long_open = beyond_limit(s, TODAY)
    assert [
        (r.household_name, r.team_name, r.worker_name, r.days_beyond, r.signed_off_close_by)
        for r in long_open
    ] == [
        ("Far", "South", "Sue Worker", 142, date(2026, 7, 1)),
        ("Dunn", "North", "Ann Worker", 31, None),
    ]


def test_a_plan_that_changed_at_the_last_review_is_not_drifting(world):
    from ehdesk.casework import plans

    with world.session() as s:
        dunn = _family(s, world, "Dunn", world.north)
        ep = _episode(s, dunn, date(2025, 5, 1), world.ann, "Ann Worker")
        _held(s, ep, "initial_taf", date(2025, 6, 1), date(2025, 8, 20))
        _held(s, ep, "taf_review", date(2025, 8, 20), date(2025, 11, 10))
        plans.add_outcome(
            s,
            ep,
            {
                "what_will_be_different": "Kai at school daily",
                "for_whom": "Kai",
                "how_we_will_know": "Register",
            },
        )
        _held(s, ep, "taf_review", date(2025, 11, 10), date(2026, 2, 2))
        view = team_view(s, world.north, TODAY)
    assert view.rows[0].drifting == 0
