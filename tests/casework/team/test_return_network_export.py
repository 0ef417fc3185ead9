"""The return's team section, the ecomap's network, and the subject-access export holding every
new record."""

from datetime import date

from ehdesk.casework import case_audit, export, handovers, network, professionals, statistics, triage
from ehdesk.config.pack import current_pack
from ehdesk.models import Person


def _table(stats, key):
    table = stats.table(key)
    return {label: values for label, values in table.rows}


def test_the_return_counts_handovers_triage_audits_and_lead_professional_groups(world):
    with world.session() as s:
        triage.record_triage(
            s,
            world.referral_id,
            {
                "forum": "weekly_triage",
                "decision": "allocate",
                "decided_on": date(2026, 1, 2),
                "decided_by": "Mo",
                "rationale": "Needs help.",
                "allocated_to_id": world.ann,
            },
        )
        handovers.record_handover(
            s,
            world.episode_id,
            "step_up",
            {
                "handed_over_on": date(2026, 3, 3),
                "reason": "Risk",
                "information_shared": "EHA",
                "received_by": "MASH",
                "social_care_decision": "child_in_need",
                "decision_on": date(2026, 3, 6),
            },
        )
        answers = [{"question": q, "grade": "good"} for q in current_pack().codes("audit_questions")]
        case_audit.record_audit(
            s,
            world.episode_id,
            {"audited_on": date(2026, 2, 1), "answers": answers, "grade": "good"},
            actor_role="manager",
        )
        professionals.add_professional(
            s,
            world.family_id,
            {
                "agency": "school",
                "name": "Mrs Patel",
                "is_lead": True,
                "lead_role": "school_pastoral_lead",
                "since": date(2026, 1, 10),
            },
        )
        stats = statistics.compute(s, date(2026, 1, 1), date(2026, 3, 31))
    assert _table(stats, "handovers") == {
        "Stepped up to children's social care": (1,),
        "of which early help continued alongside": (0,),
        "Stepped down from children's social care": (0,),
    }
    assert _table(stats, "step_up_decisions")["Child in need plan"] == (1,)
    assert _table(stats, "triage_decisions")["Allocate to a family worker"] == (1, 0, 0)
    assert _table(stats, "audits_by_grade") == {
        "Outstanding": (0,),
        "Good": (1,),
        "Requires improvement": (0,),
        "Inadequate": (0,),
    }
    assert _table(stats, "lead_professional_roles")["School pastoral or inclusion lead"] == (1,)
    with world.session() as s:
        later = statistics.compute(s, date(2026, 4, 1), date(2026, 6, 30))
    assert _table(later, "handovers")["Stepped up to children's social care"] == (0,)


def test_the_ecomap_puts_the_household_in_the_middle_and_the_network_around_it(world):
    with world.session() as s:
        s.get(Person, world.mum).lives_in_household = True
        dad = Person(
            family_id=world.family_id,
            given_name="Lee",
            family_name="Hill",
            role="adult",
            relationship="father",
            lives_in_household=False,
        )
        s.add(dad)
        network.add_tie(
            s,
            world.family_id,
            {
                "kind": "wider_family",
                "name": "Nan Rose",
                "relationship": "Maternal grandmother",
                "strength": "strong",
            },
        )
        network.add_tie(s, world.family_id, {"kind": "informal", "name": "Church group", "strength": "weak"})
        professionals.add_professional(
            s, world.family_id, {"agency": "police", "name": "PC Reed", "strength": "stressful"}
        )
        professionals.add_professional(
            s, world.family_id, {"agency": "school", "name": "Mrs Patel", "until": date(2026, 1, 1)}
        )
        m = network.ecomap(s, world.family_id, on=date(2026, 3, 1))
    assert m.household == ["Jo", "Kai", "Lily"]
    assert [(n.kind, n.label, n.strength_label) for n in m.nodes] == [
        ("wider_family", "Lee Hill", ""),
        ("wider_family", "Nan Rose", "Strong"),
        ("informal", "Church group", "Weak"),
        ("agency", "Police", "Stressful"),  # the school stopped before the day drawn
    ]


def test_the_subject_access_export_holds_every_team_record_of_the_family(world):
    with world.session() as s:
        professionals.add_professional(s, world.family_id, {"agency": "school", "name": "Mrs Patel"})
        network.add_tie(s, world.family_id, {"kind": "informal", "name": "Church group", "strength": "weak"})
        triage.record_triage(
            s,
            world.referral_id,
            {
                "forum": "weekly_triage",
                "decision": "more_information",
                "decided_on": date(2026, 1, 2),
                "decided_by": "Mo",
                "rationale": "Ask school.",
            },
        )
        _every_other_team_record(s, world)
        data = export.collect(s, world.family_id)
    team_tables = {
        "professional", "network_tie", "triage_decision", "handover", "allocation", "supervision",
        "case_audit", "team_move_request", "chronology_event",
    }  # fmt: skip
    assert team_tables <= set(data["tables"]), team_tables - set(data["tables"])
    assert len(data["tables"]["professional"]) == 1
    assert data["tables"]["network_tie"][0]["name"] == "Church group"
    assert data["tables"]["triage_decision"][0]["rationale"] == "Ask school."


def _every_other_team_record(s, world) -> None:
    from ehdesk.casework import allocation, chronology, supervision, team_moves

    handovers.record_handover(
        s, world.episode_id, "step_up",
        {"handed_over_on": date(2026, 3, 3), "reason": "Risk", "information_shared": "EHA", "received_by": "MASH"},
    )  # fmt: skip
    allocation.allocate_episode(
        s, world.episode_id, world.bob, allocated_on=date(2026, 2, 20), handover_note="Ann leaving.",
        actor_role="manager", actor_team_id=world.north,
    )  # fmt: skip
    supervision.record_supervision(
        s, world.episode_id, {"held_on": date(2026, 2, 1), "discussion": "Attendance."}, actor_role="manager"
    )
    questions = current_pack().codes("audit_questions")
    case_audit.record_audit(
        s, world.episode_id,
        {"audited_on": date(2026, 4, 1), "grade": "good",
         "answers": [{"question": q, "grade": "good", "comment": ""} for q in questions]},
        actor_role="manager",
    )  # fmt: skip
    team_moves.request_team_move(s, world.family_id, world.south, "Moved to Southtown", actor_role="manager")
    chronology.add_event(s, world.family_id, {"occurred_on": date(2026, 2, 14), "title": "A&E visit"})
