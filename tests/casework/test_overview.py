"""The family record opens on an overview: who is in the family, the case, what is due and
overdue, the TAF meetings, the lead professional and the agencies, from the same rules as the
caseload."""

from __future__ import annotations

from datetime import date, timedelta

from ehdesk.casework import caseload, episodes, families, meetings, plans
from ehdesk.casework.overview import family_overview

TODAY = date(2026, 11, 30)


def _family(s) -> tuple[str, str]:
    fid = families.create_family(s, {"household_name": "Öztürk"})
    families.add_person(
        s,
        fid,
        {
            "given_name": "Zoë",
            "family_name": "Öztürk",
            "role": "adult",
            "relationship": "mother",
            "parental_responsibility": True,
            "date_of_birth": date(1990, 4, 2),
        },
    )
    kid = families.add_person(
        s,
        fid,
        {
            "given_name": "Ayşe",
            "family_name": "Öztürk",
            "role": "child",
            "relationship": "daughter",
            "date_of_birth": date(2016, 12, 12),
        },
    )
    return fid, kid


def test_a_family_without_a_case_shows_its_members_and_no_case(store):
    with store.session() as s:
        fid, _ = _family(s)
        overview = family_overview(s, fid, TODAY)
    assert [(m.name, m.detail) for m in overview.members] == [
        ("Zoë Öztürk", "mother, 36"),
        ("Ayşe Öztürk", "daughter, 9"),  # ten only on 12 December
    ]
    assert not overview.case_open and overview.case_summary == "" and overview.due == []


def test_an_open_case_shows_what_is_overdue_as_the_caseload_does(store):
    opened = TODAY - timedelta(days=60)
    with store.session() as s:
        fid, kid = _family(s)
        eid = episodes.open_episode(
            s,
            fid,
            {
                "opened_on": opened,
                "lead_child_id": kid,
                "level_of_need": 2,
                "lead_professional_name": "Jo Pearce",
                "lead_professional_role": "Health visitor",
                "lead_professional_agency": "health_visitor",
            },
        )
        episodes.allocate(s, eid, store.worker_id, "Test Worker", opened)
    with store.session() as s:
        overview = family_overview(s, fid, TODAY)
        [row] = caseload.caseload(s, store.worker_id, TODAY)
    assert overview.case_open
    assert overview.case_summary == f"Open since {opened:%-d %B %Y} · level of need: Level 2: early help"
    # Six weeks from allocation: the first TAF, the agreement and the baseline reading are overdue.
    taf_due = opened + timedelta(days=42)
    assert {(i.code, i.due_on) for i in overview.overdue} == {
        ("first_taf", taf_due),
        ("agreement", taf_due),
        ("baseline_reading", taf_due),
    }
    assert (overview.due[0].label, overview.due[0].due_on) == (row.next_due_label, row.next_due_on)
    assert overview.last_taf_on is None and overview.next_taf_due_on == taf_due
    assert overview.lead_professional == "Jo Pearce, Health visitor, Health visiting"
    assert overview.agencies == ["Health visiting"]
    assert overview.latest_reading == ""


def test_after_the_first_taf_the_next_review_and_the_agencies_there_are_shown(store):
    opened = TODAY - timedelta(days=60)
    held = TODAY - timedelta(days=20)
    with store.session() as s:
        fid, kid = _family(s)
        eid = episodes.open_episode(
            s, fid, {"opened_on": opened, "lead_child_id": kid, "lead_professional_agency": "school"}
        )
        episodes.allocate(s, eid, store.worker_id, "Test Worker", opened)
        # The first TAF agrees a plan (the meeting rules of issue 15): one outcome to agree.
        plans.add_outcome(
            s,
            eid,
            {
                "what_will_be_different": "Kai at school daily",
                "for_whom": "Kai",
                "how_we_will_know": "Register",
            },
        )
        mid = meetings.create_meeting(s, eid, "initial_taf", held, "School")
        meetings.update_meeting(
            s,
            mid,
            {
                "attendees": [
                    {"name": "Zoë Öztürk", "role": "Mother", "attendance": "attended"},
                    {"name": "Jo Pearce", "role": "Health visitor", "agency": "health_visitor"},
                    {"name": "Mr Khan", "role": "Head of year", "agency": "School"},
                ],
                "confidentiality_read": True,
                "next_meeting_on": TODAY + timedelta(days=30),
            },
        )
        meetings.complete_meeting(s, mid)
    with store.session() as s:
        overview = family_overview(s, fid, TODAY)
    assert overview.last_taf_on == held
    assert overview.next_taf_booked_on == TODAY + timedelta(days=30)
    assert "first_taf" not in {i.code for i in overview.due} and "review" in {i.code for i in overview.due}
    # "school" (the pack's code) and "School" (typed) are one agency.
    assert overview.agencies == ["Health visiting", "School"]
