"""Scenarios more than one sync test starts from."""

from __future__ import annotations

from datetime import date, timedelta

from ehdesk.casework import supervision
from ehdesk.models import Episode
from ehdesk.server import admin


def supervision_after_stepping_down(server, laptops):
    """Ann, a manager, is stepped down while offline and then records a supervision (her laptop
    still says manager) and marks its action done: both are a manager's decisions the server
    refuses. Returns (ann, family id, supervision id)."""
    with server.session() as s:
        admin.set_role(s, "ann", "manager")
    ann = laptops("ann")
    family_id = ann.add_family("EH-SUP")
    today = date.today()
    with ann.store.session() as s:
        episode = Episode(family_id=family_id, opened_on=today - timedelta(days=40))
        s.add(episode)
        s.flush()
        episode_id = episode.id
    ann.sync()
    with server.session() as s:
        admin.set_role(s, "ann", "practitioner")
    with ann.store.session() as s:
        supervision_id = supervision.record_supervision(
            s,
            episode_id,
            {
                "held_on": today,
                "manager_name": "Ann",
                "discussion": "Attendance",
                "actions": [{"what": "Ring the school", "due_on": (today + timedelta(days=7)).isoformat()}],
            },
            actor_role=ann.store.profile.role,
        )
    with ann.store.session() as s:
        supervision.complete_supervision_action(s, supervision_id, 0, today)
    return ann, family_id, supervision_id
