"""The TAF plan and closure summary PDFs show what a family and an agency would look for."""

import subprocess
from datetime import date

import pytest

from ehdesk import documents
from ehdesk.casework import closure, meetings, plans
from ehdesk.errors import NotFound
from ehdesk.models import Episode, Family


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def family(store):
    with store.session() as s:
        f = Family(reference="EH-PDF-1", household_name="Okafor household")
        s.add(f)
        s.flush()
        ep = Episode(family_id=f.id, opened_on=date(2026, 1, 5), allocated_on=date(2026, 1, 5))
        s.add(ep)
        s.flush()
        return f.id, ep.id


def test_nothing_to_print_says_so(store, family):
    family_id, _ = family
    with store.session() as s:
        with pytest.raises(NotFound, match="no TAF plan to print yet"):
            documents.render_plan(s, family_id)
        with pytest.raises(NotFound, match="not closed"):
            documents.render_closure(s, family_id)


def test_plan_with_meeting_record_and_closure_summary(store, family, tmp_path):
    family_id, episode_id = family
    with store.session() as s:
        o = plans.add_outcome(
            s,
            episode_id,
            {
                "what_will_be_different": "Ada sleeps through",
                "for_whom": "Ada",
                "how_we_will_know": "Sleep diary",
            },
        )
        plans.add_action(
            s, o, {"what": "Bedtime routine", "who_agency": "health_visitor", "by_when": date(2026, 3, 1)}
        )
        m = meetings.create_meeting(s, episode_id, "initial_taf", date(2026, 2, 2), "Children's centre")
        meetings.update_meeting(
            s,
            m,
            {
                "attendees": [
                    {"name": "Grace Okafor", "role": "Mum"},
                    {
                        "name": "Nia Jones",
                        "agency": "health_visitor",
                        "attendance": "apologies",
                        "written_update": "Weight is on track.",
                    },
                ],
                "confidentiality_read": True,
                "family_updates": [
                    {"name": "Grace", "text": "Nights are long"},
                    {"name": "Ada", "is_child": True, "text": "I like my lamp"},
                ],
                "next_meeting_on": date(2026, 4, 27),
            },
        )
        meetings.complete_meeting(s, m)
        data, info = documents.render_plan(s, family_id)
    text = pdf_text(data, tmp_path)
    assert info.document_id.endswith("-V1")
    for words in ("Team Around the Family plan", "Ada sleeps through", "Bedtime routine", "Health visiting",
                  "Initial TAF meeting", "27 April 2026", "confidentiality", "Grace Okafor"):  # fmt: skip
        assert words.lower() in text.lower(), words
    assert text.index("Ada (child): I like my lamp") < text.index("Grace: Nights are long")

    with store.session() as s:
        # The pack asks nothing more of a step-up than its handover.
        closure.close_episode(
            s, episode_id, reason="stepped_up", closed_on=date(2026, 5, 1), today=date(2026, 5, 2),
            handover={"handed_over_on": date(2026, 4, 30), "reason": "Worries grew",
                      "information_shared": "Assessment and plan", "received_by": "Assessment team 2"},
            note="Worries grew.",
        )  # fmt: skip
        data, info = documents.render_closure(s, family_id, today=date(2026, 5, 2))
    text = pdf_text(data, tmp_path)
    for words in ("Closure summary", "Escalated to children's social care", "Assessment team 2", "Worries grew.",
                  "Bedtime routine", "Not started", "Agreement signed before the first TAF", "Missed", "Met",
                  "First TAF within the timescale", "What happens next", "universal services",
                  "The family did not give feedback", "Not judged"):  # fmt: skip
        assert words in text, words


def test_a_meeting_completed_by_a_managers_override_names_the_rule_it_broke(store, family, tmp_path):
    family_id, episode_id = family
    with store.session() as s:
        s.info["actor"] = "Margaret Osei"
        plans.add_outcome(
            s,
            episode_id,
            {"what_will_be_different": "Ada sleeps through", "for_whom": "Ada", "how_we_will_know": "Diary"},
        )
        m = meetings.create_meeting(s, episode_id, "initial_taf", date(2026, 2, 2), "Children's centre")
        meetings.update_meeting(
            s,
            m,
            {
                "attendees": [{"name": "Grace Okafor", "role": "Mum"}],  # no other agency
                "confidentiality_read": True,
                "next_meeting_on": date(2026, 4, 27),
            },
        )
        meetings.complete_meeting(
            s, m, override_reason="The health visitor confirmed by phone.", actor_role="manager"
        )
        data, _info = documents.render_plan(s, family_id)
    text = " ".join(pdf_text(data, tmp_path).split())
    assert (
        "This meeting was completed by Margaret Osei although it was not quorate (no agency other than "
        "early help took part): The health visitor confirmed by phone."
    ) in text
