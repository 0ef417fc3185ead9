"""A worker moved to another team (``ehdesk-server admin move-user``): at their laptop's next sync
the old team's families leave it and the new team's arrive, and the worker is told. Before, there
was no command: IT changed rows by SQL, and the laptop kept the old team's families (which the
server no longer let it sync) and never received the new team's history."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from ehdesk.errors import EhdeskError
from ehdesk.models import Blob, Family, Person, RefusedChange, User
from ehdesk.server import admin
from ehdesk.server.models import ServerAudit, TeamMember
from ehdesk.store import ProfileManager


def test_a_moved_worker_s_laptop_drops_the_old_team_and_takes_the_new(server, laptops):
    ann, sue, bob = laptops("ann"), laptops("sue"), laptops("bob")
    north = ann.add_family("EH-NORTH", members=2)
    south = sue.add_family("EH-SOUTH", members=3)
    ann.sync()
    sue.sync()
    # Something Ann changed on a North family and had not sent when she moved.
    [person] = ann.rows(Person, Person.family_id == north)[:1]
    ann.edit(Person, person.id, given_name="Unsent")

    with server.session() as s:
        assert admin.move_user(s, "ann", "South") == ("ann", "North")
    summary = ann.sync()
    assert summary.team_now == "South"
    assert 'the council has moved you to team "South"' in summary.text()
    assert summary.purged_families == 1
    # The old team's family has left the laptop, and the new team's has arrived, members and all.
    assert ann.get(Family, north) is None
    assert ann.rows(Person, Person.family_id == north) == []
    assert ann.get(Family, south).reference == "EH-SOUTH"
    assert len(ann.rows(Person, Person.family_id == south)) == 3
    assert ProfileManager(ann.data_dir).find("ann").team_id == server.teams["South"]
    assert ann.store.profile.team_id == server.teams["South"]
    # What she had not sent was refused by the server and kept aside there for IT, not applied.
    assert summary.refused == 1
    assert server.get(Person, person.id).given_name != "Unsent"
    with server.session() as s:
        [(kept, _name)] = admin.refused(s, "ann")
        assert kept.mutation["row_id"] == person.id
    # Nothing of the old team's family stays behind on the laptop, refusals included.
    with ann.store.session() as s:
        assert s.scalars(select(RefusedChange)).all() == []
        assert s.scalars(select(Blob).where(Blob.family_id == north)).all() == []

    # Her old team's laptops no longer count her among their staff (a case cannot be given her
    # there), and her new team's do.
    bob.sync()
    [ann_on_bob] = bob.rows(User, User.username == "ann")
    assert ann_on_bob.team_id == server.teams["South"]
    sue.sync()
    [ann_on_sue] = sue.rows(User, User.username == "ann")
    assert ann_on_sue.team_id == server.teams["South"]

    # Said once; from now on she syncs the new team's families like any of its workers.
    again = ann.sync()
    assert again.team_now is None and again.purged_families == 0
    [member] = ann.rows(Person, Person.family_id == south)[:1]
    ann.edit(Person, member.id, given_name="Seen by Ann")
    assert ann.sync().pushed == 1
    assert server.get(Person, member.id).given_name == "Seen by Ann"
    sue.sync()
    assert sue.get(Person, member.id).given_name == "Seen by Ann"


def test_moving_a_worker_is_audited_and_said_plainly_when_it_cannot_be_done(server):
    with server.session() as s:
        assert admin.move_user(s, "bob", "North") == ("bob", "North")  # already there: nothing
        assert s.scalars(select(ServerAudit).where(ServerAudit.action == "move_user")).all() == []
    for name, team, said in (
        ("nobody", "South", 'There is no user called "nobody".'),
        ("bob", "East", 'There is no team called "East".'),
        ("boss", "South", '"boss" is an admin, who sees every team\'s families already.'),
    ):
        with pytest.raises(EhdeskError) as refused, server.session() as s:
            admin.move_user(s, name, team)
        assert str(refused.value) == said
    with server.session() as s:
        assert admin.move_user(s, " bob ", "South") == ("bob", "North")
    with server.session() as s:
        bob = s.scalar(select(User).where(User.username == "bob"))
        assert bob.team_id == server.teams["South"]
        assert list(s.scalars(select(TeamMember.team_id).where(TeamMember.user_id == bob.id))) == [
            server.teams["South"]
        ]
        [audited] = s.scalars(select(ServerAudit).where(ServerAudit.action == "move_user")).all()
        assert audited.detail == {"from_teams": [server.teams["North"]], "to_team": server.teams["South"]}
