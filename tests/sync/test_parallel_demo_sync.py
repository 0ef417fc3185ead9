"""A demo made by several processes (``demo.parallel``) on a profile signed in to a council server
is sent whole by its first sync: the server checks each audit event against the laptop's chain as
it arrives (``push._witness``) and its verifier walks what it stored: a chain the copy linked
wrongly shows there as breaks."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ehdesk.demo import generate
from ehdesk.models import AuditEvent, Family
from ehdesk.server import admin
from ehdesk.server.audit_chain import verify

TODAY = date(2026, 11, 23)


def test_a_demo_made_by_two_processes_syncs_whole_with_its_audit_chain(server, laptops):
    with server.session() as s:
        # The demo is the whole team's work, its manager's decisions among it: the server takes
        # those only from a manager (``casework/manager_acts``).
        admin.set_role(s, "ann", "manager")
    ann = laptops("ann")
    generate(ann.store, 60, seed=2, today=TODAY, workers=2)
    made = len(ann.rows(AuditEvent))
    waiting = ann.max_seq()
    summary = ann.sync()
    assert summary.pushed == waiting and summary.refused == 0 and summary.status.waiting == 0
    assert server.count(Family) == 60
    with server.session() as s:
        checked, breaks = verify(s, ann.store.device_id)
        teams = set(s.scalars(select(Family.team_id)))
    assert breaks == [] and checked == made
    assert teams == {ann.store.profile.team_id}  # the staff list's team, as one process would use
