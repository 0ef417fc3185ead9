"""The professionals around the family: a structured list with a lead, consent to share, and the
TAF check of who attended against who is involved."""

from datetime import date

import pytest

from ehdesk.casework import consent, meetings, professionals
from ehdesk.errors import ValidationError
from ehdesk.models import Episode


def _add(s, world, **data):
    return professionals.add_professional(s, world.family_id, data)


def test_a_lead_professional_from_the_pack_lists_names_the_episode_and_only_one_leads(world):
    with world.session() as s:
        school = _add(
            s, world, agency="school", name="Mrs Patel", role="Head of year", since=date(2025, 9, 1)
        )
        hv = _add(
            s,
            world,
            agency="health_visitor",
            name="Dee Lowe",
            role="Health visitor",
            is_lead=True,
            lead_role="health_visitor",
            consent_id=world.consent_id,
        )
    with world.session() as s:
        episode = s.get(Episode, world.episode_id)
        assert (episode.lead_professional_name, episode.lead_professional_agency) == (
            "Dee Lowe",
            "health_visitor",
        )
        assert episode.lead_professional_role == "Health visitor"
        listed = professionals.list_professionals(s, world.family_id)
        assert [p.name for p in listed] == ["Dee Lowe", "Mrs Patel"]  # the lead first
        assert listed[0].may_share and not listed[1].may_share
        assert listed[1].display == "Mrs Patel (School)"
        # Mrs Patel becomes the lead: Dee is no longer the lead, and the episode follows.
        professionals.update_professional(s, school, {"is_lead": True, "lead_role": "school_pastoral_lead"})
    with world.session() as s:
        assert professionals.lead_professional(s, world.family_id).id == school
        assert not [p for p in professionals.list_professionals(s, world.family_id) if p.id == hv][0].is_lead
        assert s.get(Episode, world.episode_id).lead_professional_role == "School pastoral or inclusion lead"
        assert professionals.lead_roles_in_use(s) == {"school_pastoral_lead": 1}


def test_wrong_entries_are_refused_in_plain_english_and_nothing_is_saved(world):
    with world.session() as s, pytest.raises(ValidationError) as caught:
        _add(
            s,
            world,
            agency="astrology",
            name="",
            role="",
            since=date(2026, 5, 1),
            until=date(2026, 4, 1),
            is_lead=True,
            lead_role="",
        )
    assert caught.value.fields == {
        "agency": "Choose the agency from the list.",
        "name": "Give the professional's name, or at least their role.",
        "until": "The date they stopped is before the date they started.",
        "lead_role": "Choose the lead professional's role from the list.",
        "is_lead": "Someone who has stopped working with the family cannot be the lead professional.",
    }
    # Consent that does not name the agency cannot be linked.
    with world.session() as s, pytest.raises(ValidationError) as caught:
        _add(s, world, agency="police", name="PC Reed", consent_id=world.consent_id)
    assert "does not name Police" in caught.value.fields["consent_id"]
    with world.session() as s:
        assert professionals.list_professionals(s, world.family_id) == []


def test_withdrawing_consent_stops_sharing_and_ended_involvement_drops_off_the_sharing_list(world):
    with world.session() as s:
        school = _add(s, world, agency="school", name="Mrs Patel", consent_id=world.consent_id)
        _add(s, world, agency="health_visitor", name="Dee Lowe", consent_id=world.consent_id)
        assert professionals.sharing_agencies(s, world.family_id, date(2026, 3, 1)) == [
            "school",
            "health_visitor",
        ]
        professionals.end_involvement(s, school, date(2026, 2, 1))
        assert professionals.sharing_agencies(s, world.family_id, date(2026, 3, 1)) == ["health_visitor"]
        consent.withdraw_consent(s, world.consent_id, date(2026, 3, 2))
    with world.session() as s:
        assert professionals.sharing_agencies(s, world.family_id, date(2026, 3, 3)) == []
        assert all(not p.may_share for p in professionals.list_professionals(s, world.family_id))


def test_who_attended_the_taf_is_checked_against_who_is_involved(world):
    with world.session() as s:
        _add(s, world, agency="school", name="Mrs Patel", since=date(2025, 9, 1))
        _add(s, world, agency="health_visitor", name="Dee Lowe")
        _add(s, world, agency="housing", role="Tenancy officer")
        # Stopped before the meeting: not expected there.
        _add(s, world, agency="camhs", name="Dr Ola", until=date(2026, 1, 20))
        meeting_id = meetings.create_meeting(s, world.episode_id, "initial_taf", date(2026, 2, 10))
        meetings.update_meeting(
            s,
            meeting_id,
            {
                "attendees": [
                    {"name": "mrs patel", "agency": "school", "attendance": "attended"},
                    {"name": "Jo Hill", "attendance": "attended"},  # mum: no agency, not a professional
                    {
                        "name": "Sam",
                        "agency": "Housing",
                        "attendance": "apologies",
                        "written_update": "Repairs booked",
                    },
                    {"name": "Ray Cole", "agency": "police", "attendance": "attended"},
                ]
            },
        )
        check = professionals.attendance_for_meeting(s, meeting_id)
    assert [p.name for p in check.attended] == ["Mrs Patel"]
    assert [p.role for p in check.apologies] == ["Tenancy officer"]
    assert [p.name for p in check.absent] == ["Dee Lowe"]
    assert [a["name"] for a in check.not_listed] == ["Ray Cole"]
    assert not check.all_involved_accounted_for
    with world.session() as s:
        choices = professionals.attendee_choices(s, world.family_id, date(2026, 2, 10))
    assert [(c["name"], c["agency"]) for c in choices] == [
        ("Dee Lowe", "health_visitor"),
        ("Tenancy officer", "housing"),
        ("Mrs Patel", "school"),
    ]


def test_a_first_agreement_proposes_the_agencies_involved(world):
    from ehdesk.casework import agreements

    with world.session() as s:
        _add(s, world, agency="school", name="Mrs Patel")
        _add(s, world, agency="health_visitor", name="Dee Lowe")
        _add(s, world, agency="camhs", name="Dr Ola", since=date(2020, 1, 1), until=date(2021, 1, 1))
        draft = agreements.start_agreement(s, world.family_id)
    assert draft.agencies == ["school", "health_visitor"]


def test_a_new_assessment_starts_with_the_professionals_involved(world):
    from ehdesk.casework import assessments

    with world.session() as s:
        _add(s, world, agency="school", name="Mrs Patel", role="Head of year", contact="01234 567890")
        _add(s, world, agency="health_visitor", name="Dee Lowe", is_lead=True, lead_role="health_visitor")
        aid = assessments.start_assessment(s, world.family_id)
        answers = assessments.get_assessment(s, aid, audit_view=False).answers
    assert answers["professionals"] == (
        "Dee Lowe (Health visiting) - lead professional\nMrs Patel, Head of year (School): 01234 567890"
    )
    assert answers["lead_professional"] == "Dee Lowe"
