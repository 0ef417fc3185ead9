"""A worker made a manager on the server (``ehdesk-server admin set-role``) is a manager on their
laptop after its next sync, and a practitioner again when IT sets that back: before, the role read
from profile.json at the first sign-in was kept for good, so a new manager never saw the team's
screens and could do no manager's act on the laptop, and a manager stepped down kept both."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ehdesk.casework import closure
from ehdesk.errors import EhdeskError
from ehdesk.models import User
from ehdesk.server import admin
from ehdesk.server.models import ServerAudit
from ehdesk.store import ProfileManager


def test_a_new_role_on_the_server_reaches_the_workers_laptop_at_its_next_sync(server, laptops):
    ann, bob = laptops("ann"), laptops("bob")
    assert ann.store.profile.role == "practitioner"
    assert ann.sync().role_now is None

    with server.session() as s:
        assert admin.set_role(s, "ann", "manager") == ("ann", "practitioner")
    summary = ann.sync()
    assert summary.role_now == "manager"
    assert "the council has made you a manager" in summary.text()
    # Held at once by the open store (the casework asks it as each act is done) and kept for the
    # next sign-in.
    assert ann.store.profile.role == "manager"
    assert ann.store.profile.role in closure.MANAGER_ROLES
    assert ProfileManager(ann.data_dir).find("ann").role == "manager"
    # Said once: the next sync has nothing new to say.
    assert ann.sync().role_now is None

    # Bob's laptop learns Ann's role (the team's user rows) but his own is unchanged.
    summary = bob.sync()
    assert summary.role_now is None
    assert bob.store.profile.role == "practitioner"
    [ann_on_bob] = bob.rows(User, User.username == "ann")
    assert ann_on_bob.role == "manager"

    with server.session() as s:
        assert admin.set_role(s, "ann", "practitioner") == ("ann", "manager")
    assert ann.sync().role_now == "practitioner"
    assert ProfileManager(ann.data_dir).find("ann").role == "practitioner"

    with server.session() as s:
        audited = s.scalars(select(ServerAudit).where(ServerAudit.action == "set_role")).all()
        assert [(a.detail["before"], a.detail["role"]) for a in audited] == [
            ("practitioner", "manager"),
            ("manager", "practitioner"),
        ]


def test_the_same_role_again_changes_nothing_and_a_wrong_one_is_refused(server):
    with server.session() as s:
        assert admin.set_role(s, "meg", "manager") == ("meg", "manager")
        assert s.scalars(select(ServerAudit).where(ServerAudit.action == "set_role")).all() == []
    for name, role, said in (
        ("meg", "boss", "The role must be one of: practitioner, manager, admin."),
        ("nobody", "manager", 'There is no user called "nobody".'),
        (
            "meg",
            "admin",
            "\"meg\" is a manager: an admin sees every team's families and a worker only their team's, "
            "so a laptop cannot change between the two. Create a separate user for the other role "
            "(create-user --role ...).",
        ),
        (
            "boss",
            "practitioner",
            "\"boss\" is an admin: an admin sees every team's families and a worker only their team's, "
            "so a laptop cannot change between the two. Create a separate user for the other role "
            "(create-user --role ...).",
        ),
    ):
        with pytest.raises(EhdeskError) as refused, server.session() as s:
            admin.set_role(s, name, role)
        assert str(refused.value) == said
    assert server.get(User, _user_id(server, "meg")).role == "manager"


def _user_id(server, username: str) -> str:
    with server.session() as s:
        return s.scalar(select(User.id).where(User.username == username))


def test_a_managers_decision_made_after_the_role_was_taken_away_is_kept_aside_and_the_rest_syncs(
    server, laptops
):
    """A manager stepped down on the server while her laptop was offline: the supervision she then
    recorded there (and the action she later marked done on it) are refused by the server, which
    takes a manager's decisions only from a manager; the rest of what she did is sent, and the
    laptop's next changes too (a change to the refused record used to refuse its whole batch)."""
    from ehdesk.models import Family
    from ehdesk.models.team import Supervision
    from tests.sync.scenarios import supervision_after_stepping_down

    ann, _, supervision_id = supervision_after_stepping_down(server, laptops)
    second = ann.add_family("EH-NEXT")

    summary = ann.sync()
    # The supervision and its action marked done; the audit events saying she did both are kept
    # (they are evidence of what was tried).
    assert summary.refused == 2
    assert summary.status.waiting == 0
    assert server.get(Family, second).reference == "EH-NEXT"
    assert server.get(Supervision, supervision_id) is None
    assert summary.role_now == "practitioner"
    assert ann.store.profile.role == "practitioner"
