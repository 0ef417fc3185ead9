"""The chronology reads the record in date order, adds the worker's significant events, filters by
child, exports to CSV (audited) and prints."""

import csv
import io
import unicodedata
from datetime import date

import pypdf
import pytest

from ehdesk import documents
from ehdesk.casework import allocation, chronology, handovers, professionals, sessions, triage
from ehdesk.errors import ValidationError
from ehdesk.models import AuditEvent


def _fill(world):
    with world.session() as s:
        triage.record_triage(
            s,
            world.referral_id,
            {
                "forum": "weekly_triage",
                "decision": "allocate",
                "decided_on": date(2026, 1, 2),
                "decided_by": "Mo Manager",
                "rationale": "Needs a family worker.",
                "allocated_to_id": world.ann,
            },
        )
        professionals.add_professional(
            s, world.family_id, {"agency": "school", "name": "Mrs Patel", "since": date(2026, 1, 12)}
        )
        sessions.save_session(
            s,
            world.episode_id,
            {
                "session_on": date(2026, 1, 20),
                "session_type": "home_visit",
                "status": "held",
                "duration_minutes": 45,
                "notes": {"purpose": "Getting to know Kai"},
                "seen": [
                    {"name": "Kai Hill", "person_id": world.kai, "is_child": True, "seen_alone": True},
                    {"name": "Jo Hill", "person_id": world.mum},
                ],
            },
        )
        chronology.add_event(
            s,
            world.family_id,
            {
                "occurred_on": date(2026, 2, 14),
                "title": "Lily taken to A&E after a fall",
                "source": "Health visitor",
                "child_ids": [world.lily],
            },
        )
        allocation.allocate_episode(
            s,
            world.episode_id,
            world.bob,
            allocated_on=date(2026, 2, 20),
            handover_note="Ann leaving.",
            actor_role="manager",
            actor_team_id=world.north,
        )
        handovers.record_handover(
            s,
            world.episode_id,
            "step_up",
            {
                "handed_over_on": date(2026, 3, 3),
                "reason": "Disclosure at school.",
                "information_shared": "EHA and chronology",
                "received_by": "MASH",
                "early_help_continues": True,
            },
        )


def test_the_chronology_tells_the_case_in_date_order_from_what_the_record_holds(world):
    _fill(world)
    with world.session() as s:
        entries = chronology.build(s, world.family_id)
    assert [(e.on, e.title) for e in entries] == [
        (date(2025, 12, 15), "Request for support received"),
        (date(2026, 1, 2), "Triage: Allocate to a family worker"),
        (date(2026, 1, 5), "Case opened: Early help (family service)"),
        (date(2026, 1, 5), "Allocated to Ann Worker"),
        (date(2026, 1, 5), "Consent given: To share information with named agencies"),
        (date(2026, 1, 12), "Mrs Patel (School) began working with the family"),
        (date(2026, 1, 20), "Session: Home visit"),
        (date(2026, 2, 14), "Lily taken to A&E after a fall"),
        (date(2026, 2, 20), "Reallocated from Ann Worker to Bob Worker"),
        (date(2026, 3, 3), "Stepped up to children's social care"),
    ]
    visit = entries[6]
    assert (visit.detail, visit.children) == ("Seen: Kai Hill, Jo Hill. Seen alone: Kai Hill", "Kai Hill")
    assert entries[7].hand_added and entries[7].detail == "Source: Health visitor"
    assert entries[8].detail == "Ann leaving."
    assert "Early help continues alongside." in entries[9].detail


def test_filter_by_child_keeps_the_whole_family_entries_and_that_childs_own(world):
    _fill(world)
    with world.session() as s:
        lily = [e.title for e in chronology.build(s, world.family_id, child_id=world.lily)]
        kai = [e.title for e in chronology.build(s, world.family_id, child_id=world.kai)]
    assert "Lily taken to A&E after a fall" in lily and "Session: Home visit" not in lily
    assert "Session: Home visit" in kai and "Lily taken to A&E after a fall" not in kai
    assert len(lily) == len(kai) == 9


def test_export_csv_and_print(world, tmp_path):
    _fill(world)
    out = tmp_path / "chronology.csv"
    with world.session() as s:
        assert chronology.export_csv(s, world.family_id, out, child_id=world.lily) == 9
        pdf, info = documents.render_chronology(s, world.family_id)
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Date", "Kind", "What happened", "Details", "Children", "Recorded by"]
    assert rows[7] == [
        "2026-02-14",
        "Significant event",
        "Lily taken to A&E after a fall",
        "Source: Health visitor",
        "Lily Hill",
        "Test Worker",
    ]
    with world.session() as s:
        assert [e.action for e in s.query(AuditEvent).filter_by(entity="chronology")] == ["export", "print"]
    text = unicodedata.normalize(
        "NFKC", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    )
    flat = " ".join(text.split())  # table cells wrap
    assert "Chronology" in flat and "Reallocated from Ann Worker to Bob Worker" in flat
    assert "Lily taken to A&E after a fall (Lily Hill)" in flat
    assert info.document_id.startswith("CHRON-")


def test_a_hand_added_event_needs_a_date_not_in_the_future_and_what_happened(world):
    with world.session() as s, pytest.raises(ValidationError) as caught:
        chronology.add_event(s, world.family_id, {"occurred_on": date(2099, 1, 1), "title": " "})
    assert caught.value.fields == {
        "occurred_on": "The date of the event (1 January 2099) is in the future.",
        "title": "What happened is missing.",
    }


def test_ehdesk_pdf_chronology_writes_a_copy_that_verifies(world, tmp_path, monkeypatch, data_dir, capsys):
    from ehdesk.cli import main
    from tests.conftest import PASSWORD

    _fill(world)
    world.store.close()
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    out = tmp_path / "chronology.pdf"
    args = ["--data-dir", str(data_dir), "pdf", "chronology", "--profile", "Test Worker"]
    assert main([*args, "--family", world.family_id, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["--data-dir", str(data_dir), "pdf", "verify", str(out), "--profile", "Test Worker"]) == 0
    assert "Verified" in capsys.readouterr().out


def test_the_chronology_holds_assessments_readings_the_agreement_tafs_and_a_step_up_closure(world):
    """Everything the record holds at a step-up, in order: what social care expects to receive."""
    from ehdesk.casework import closure, meetings
    from ehdesk.models.agreement import Agreement
    from ehdesk.models.assessment import Assessment
    from ehdesk.models.reading import Reading

    with world.session() as s:
        # Completed and signed records as the assessment, progress and agreement screens leave them.
        s.add_all(
            [
                Assessment(
                    family_id=world.family_id, episode_id=world.episode_id, form_id="early-help-assessment",
                    form_version=1, status="completed", started_on=date(2026, 1, 8),
                    completed_on=date(2026, 1, 15), assessor_name="Ann Worker",
                ),
                Reading(
                    family_id=world.family_id, episode_id=world.episode_id, tool_id="spider", tool_version=1,
                    subject_person_id=world.kai, occasion="baseline", taken_on=date(2026, 1, 16),
                    taken_by_name="Ann Worker",
                ),
                Agreement(
                    family_id=world.family_id, episode_id=world.episode_id, template_id="default",
                    template_version=1, status="signed", signed_on=date(2026, 1, 19), worker_name="Ann Worker",
                ),
            ]
        )  # fmt: skip
        taf = meetings.create_meeting(s, world.episode_id, "initial_taf", date(2026, 2, 2))
        meetings.update_meeting(
            s,
            taf,
            {
                "attendees": [
                    {"name": "Jo Hill", "attendance": "attended"},
                    {"name": "Mrs Patel", "agency": "School", "attendance": "attended"},
                ],
                "confidentiality_read": True,
                "next_meeting_on": date(2026, 4, 27),
            },
        )
        meetings.complete_meeting(
            s, taf, today=date(2026, 2, 2), override_reason="Paper file", actor_role="manager"
        )
        closure.close_episode(
            s,
            world.episode_id,
            reason="stepped_up",
            closed_on=date(2026, 3, 4),
            today=date(2026, 6, 1),
            note="Closed on the step-up.",
            handover={
                "handed_over_on": date(2026, 3, 3),
                "reason": "Disclosure at school.",
                "information_shared": "EHA, plan and chronology",
                "received_by": "MASH",
            },
            override_reason="Urgent",
            actor_role="manager",
        )
    with world.session() as s:
        entries = [(e.on, e.kind, e.title) for e in chronology.build(s, world.family_id)]
        lily = [e.title for e in chronology.build(s, world.family_id, child_id=world.lily)]
    assert entries[4:] == [
        (date(2026, 1, 15), "assessment", "Early help assessment completed"),
        (date(2026, 1, 16), "reading", entries[5][2]),
        (date(2026, 1, 19), "agreement", "Early help agreement signed (version 1)"),
        (date(2026, 2, 2), "meeting", "Initial TAF meeting held"),
        (date(2026, 3, 3), "handover", "Stepped up to children's social care"),
        (date(2026, 3, 4), "closure", "Case closed: Escalated to children's social care"),
    ]
    assert entries[5][2].endswith("baseline reading")
    # Kai's reading is his own entry: filtered out of Lily's chronology.
    assert entries[5][2] not in lily and "Early help assessment completed" in lily
