"""A meeting a manager completed although it broke a rule carries which rules it broke to every
laptop: the audit event that also names them is never sent to other laptops, so the record must."""

from datetime import date, timedelta

from ehdesk.casework import flags, meetings, plans
from ehdesk.models import Episode
from ehdesk.models.meeting import Meeting
from ehdesk.server import admin


def test_the_rules_an_override_broke_reach_the_other_laptop(laptops, server):
    with server.session() as s:
        admin.set_role(s, "ann", "manager")  # the server takes an override only from a manager
    ann, bob = laptops("ann"), laptops("bob")
    family_id = ann.add_family("EH-OV")
    held = date.today() - timedelta(days=7)
    with ann.store.session() as s:
        episode = Episode(family_id=family_id, opened_on=held - timedelta(days=30))
        s.add(episode)
        s.flush()
        episode_id = episode.id
        plans.add_outcome(
            s,
            episode_id,
            {"what_will_be_different": "Sleeps through", "for_whom": "Child0", "how_we_will_know": "Diary"},
        )
        meeting_id = meetings.create_meeting(s, episode_id, "initial_taf", held, "Family home")
        meetings.update_meeting(
            s,
            meeting_id,
            {
                "attendees": [{"name": "Grace Test", "role": "Mum"}],  # no agency other than early help
                "confidentiality_read": True,
                "next_meeting_on": held + timedelta(weeks=10),
            },
        )
        meetings.complete_meeting(
            s, meeting_id, override_reason="Health visitor phoned in", actor_role="manager"
        )
    rules = ["it was not quorate (no agency other than early help took part)"]
    assert ann.get(Meeting, meeting_id).override_missing == rules
    ann.sync()
    assert server.get(Meeting, meeting_id).override_missing == rules
    bob.sync()
    assert bob.get(Meeting, meeting_id).override_missing == rules
    with bob.store.session() as s:
        shown = [f.message for f in flags.episode_flags(s, episode_id) if f.code == "meeting_override"]
    assert len(shown) == 1
    assert shown[0].endswith(f"although {rules[0]}: Health visitor phoned in")
