"""The plan's "who" comes from the family's professionals (linked, so it can be checked against who
is involved); closing as stepped up rests on a step-up handover record; a step-down case on its
step-down handover."""

from datetime import date

import pytest

from ehdesk.casework import (
    closure,
    closure_rules,
    episodes,
    flags,
    handovers,
    plan_who,
    plans,
    professionals,
)
from ehdesk.errors import ValidationError
from ehdesk.models import Episode
from ehdesk.models.closure import EpisodeClosure
from ehdesk.models.team import Handover

OUTCOME = {"what_will_be_different": "Kai goes to school", "for_whom": "Kai", "how_we_will_know": "Register"}


@pytest.fixture
def school(world):
    with world.session() as s:
        return professionals.add_professional(
            s,
            world.family_id,
            {"agency": "school", "name": "Sam Reid", "role": "Head of year", "since": date(2025, 9, 1)},
        )


def test_who_offers_the_professionals_the_household_and_the_family(world, school):
    with world.session() as s:
        choices = plan_who.who_choices(s, world.family_id, date(2026, 6, 1))
    assert [(c.label, c.kind) for c in choices] == [
        ("Sam Reid (School)", "professional"),
        ("Jo Hill (mother)", "member"),
        ("Kai Hill (child)", "member"),
        ("Lily Hill (child)", "member"),
        ("The family", "family"),
    ]
    assert choices[0].professional_id == school and choices[0].who_agency == "school"


def test_an_action_linked_to_a_professional_is_checked_against_who_is_involved(world, school):
    with world.session() as s:
        outcome = plans.add_outcome(s, world.episode_id, OUTCOME)
        # Chosen from the list: the link fills the name and agency.
        linked = plans.add_action(
            s, outcome, {"what": "Daily check-in", "who_professional_id": school, "by_when": date(2026, 7, 1)}
        )
        plans.add_action(
            s, outcome, {"what": "Routine", "who_name": "The family", "by_when": date(2026, 7, 1)}
        )
        # Typed in with an agency nobody on the list is from.
        plans.add_action(
            s,
            outcome,
            {
                "what": "Sleep clinic",
                "who_name": "Dr Lee",
                "who_agency": "health_visitor",
                "by_when": date(2026, 7, 1),
            },
        )
    with world.session() as s:
        action = plans.get_plan(s, world.episode_id).outcomes[0].actions[0]
        assert (action.who, action.who_professional_id) == ("Sam Reid, School", school)
        gaps = plan_who.who_not_involved(s, world.episode_id, date(2026, 6, 1))
        assert [(g.what, g.why) for g in gaps] == [
            ("Sleep clinic", "their agency is not on the family's list")
        ]
        professionals.end_involvement(s, school, date(2026, 6, 10))
    with world.session() as s:
        gaps = plan_who.who_not_involved(s, world.episode_id, date(2026, 6, 20))
        assert [(g.what, g.why) for g in gaps] == [
            ("Daily check-in", "no longer working with the family"),
            ("Sleep clinic", "their agency is not on the family's list"),
        ]
        # Someone else's family's professional, or a mismatched agency: refused in plain English.
        with pytest.raises(ValidationError) as err:
            plans.update_action(s, linked, {"who_professional_id": "not-a-professional"})
        assert err.value.fields == {"who_name": "Choose someone from the family's list of professionals."}
        with pytest.raises(ValidationError) as err:
            plans.update_action(s, linked, {"who_agency": "police"})
        assert "agency" in err.value.fields["who_agency"]


HANDOVER = {
    "handed_over_on": date(2026, 5, 28),
    "reason": "Disclosure at school",
    "information_shared": "EHA, TAF plan, chronology",
    "received_by": "Front door duty team",
    "early_help_continues": False,
}


def _close(s, world, **kw):
    return closure.close_episode(
        s,
        world.episode_id,
        reason="stepped_up",
        closed_on=date(2026, 5, 29),
        today=date(2026, 6, 1),
        actor_role="manager",
        override_reason="Urgent",
        **kw,
    )


def test_closing_as_stepped_up_needs_its_handover_and_a_manager_cannot_override_it(world):
    with world.session() as s:
        with pytest.raises(ValidationError) as err:
            _close(s, world)
        assert "needs the step-up handover" in err.value.fields["handover"]
        # Half a handover: each missing field named beside the handover's own fields.
        with pytest.raises(ValidationError) as err:
            _close(s, world, handover={"handed_over_on": date(2026, 5, 28), "reason": "Risk"})
        assert set(err.value.fields) == {"handover_information_shared", "handover_received_by"}
        with pytest.raises(ValidationError) as err:
            _close(s, world, handover={**HANDOVER, "handed_over_on": date(2026, 5, 30)})
        assert err.value.fields == {"handover_handed_over_on": "The step-up is dated after the case closed."}
        assert s.query(Handover).count() == 0 and s.get(Episode, world.episode_id).status == "open"
        # What the close dialog shows for a step-up before the handover is given.
        missing = closure.missing_by_reason(s, world.episode_id)["stepped_up"]
        assert any(m.startswith(closure_rules.STEP_UP_HANDOVER_MISSING) for m in missing)
    with world.session() as s:
        view = _close(s, world, handover=HANDOVER)
    with world.session() as s:
        [h] = handovers.list_handovers(s, world.family_id)
        assert (h.direction, h.received_by, h.information_shared) == (
            "step_up",
            "Front door duty team",
            "EHA, TAF plan, chronology",
        )
        assert view.handover_id == h.id
        assert (view.stepped_up_on, view.stepped_up_to) == (date(2026, 5, 28), "Front door duty team")
        assert not any("handover" in m for m in view.missing)
        # Counted in the return.
        counts = handovers.handover_counts(s, date(2026, 4, 1), date(2026, 6, 30))
        assert counts.step_ups == 1


def test_a_step_up_recorded_on_the_handovers_tab_is_what_the_closure_links(world):
    with world.session() as s:
        first = handovers.record_handover(s, world.episode_id, "step_up", HANDOVER, today=date(2026, 6, 1))
    with world.session() as s:
        assert closure_rules.STEP_UP_HANDOVER_MISSING not in " ".join(
            closure.missing_by_reason(s, world.episode_id)["stepped_up"]
        )
        with pytest.raises(ValidationError) as err:
            _close(s, world, handover_id="someone-else")
        assert err.value.fields == {"handover": "Choose a step-up handover recorded for this case."}
    with world.session() as s:
        view = _close(s, world, handover_id=first)
        assert view.handover_id == first
        assert s.query(Handover).count() == 1
        assert s.query(EpisodeClosure).one().handover_id == first


STEP_DOWN = {
    "handed_over_on": date(2026, 5, 1),
    "reason": "Child in need plan ended",
    "social_worker": "Pat Green",
    "stepped_down_from": "child_in_need",
    "joint_visit_on": date(2026, 5, 8),
}


def test_a_step_down_case_links_to_its_step_down_handover(world):
    with world.session() as s:
        closure.close_episode(
            s,
            world.episode_id,
            reason="goals_achieved",
            closed_on=date(2026, 4, 30),
            today=date(2026, 6, 1),
            actor_role="manager",
            override_reason="Test",
        )
    data = {"case_type": "step_down", "opened_on": date(2026, 5, 1)}
    with world.session() as s:
        with pytest.raises(ValidationError) as err:
            episodes.open_episode(s, world.family_id, data, step_down={**STEP_DOWN, "social_worker": ""})
        assert err.value.fields == {"step_down_social_worker": "The social worker's name is missing."}
    with world.session() as s:
        # A step-down case without its handover: closing it says so.
        bare = episodes.open_episode(s, world.family_id, data)
        assert any("step-down handover is not recorded" in m for m in closure.missing_items(s, bare))
        # The family record says so while the case is open.
        assert "step_down_handover" in [f.code for f in flags.episode_flags(s, bare)]
        s.get(Episode, bare).deleted = True
    with world.session() as s:
        with pytest.raises(ValidationError) as err:
            episodes.open_episode(
                s, world.family_id, {**data, "case_type": "early_help"}, step_down=STEP_DOWN
            )
        assert "case_type" in err.value.fields
        linked = episodes.open_episode(s, world.family_id, data, step_down=STEP_DOWN)
    with world.session() as s:
        down = handovers.step_down_for(s, linked)
        assert (down.social_worker, down.stepped_down_from, down.episode_id) == (
            "Pat Green",
            "child_in_need",
            linked,
        )
        assert not any("step-down" in m for m in closure.missing_items(s, linked))
        assert "step_down_handover" not in [f.code for f in flags.episode_flags(s, linked)]
