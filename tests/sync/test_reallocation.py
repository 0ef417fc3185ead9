"""A manager reallocates an episode on their laptop; through the real server the new worker's
laptop receives it on its caseload with the handover note, the old worker keeps only the team's
read access, and a worker of another team never receives the family or any record of the team
around it."""

from datetime import date

from ehdesk.casework import allocation, caseload, episodes, professionals
from ehdesk.models import Episode, Family, Person
from ehdesk.models.team import Allocation, Professional
from ehdesk.server import admin
from tests.sync.harness import PASSWORD


def test_reallocation_reaches_the_new_worker_and_never_another_team(laptops, server):
    with server.session() as s:
        admin.create_user(s, "mo", "North", "manager", PASSWORD)
    mo, ann, bob, sue = laptops("mo"), laptops("ann"), laptops("bob"), laptops("sue")
    for lap in (ann, bob, sue):
        lap.sync()
    mo.sync()  # the staff list (users and teams) arrives before allocating

    family_id = mo.add_family("EH-77", members=1)
    with mo.store.session() as s:
        ann_id = next(w.id for w in allocation.team_workers(s, mo.store.profile.team_id) if w.name == "ann")
        bob_id = next(w.id for w in allocation.team_workers(s, mo.store.profile.team_id) if w.name == "bob")
        episode_id = episodes.open_episode(s, family_id, {"opened_on": date(2026, 3, 2)})
        allocation.allocate_episode(
            s,
            episode_id,
            ann_id,
            allocated_on=date(2026, 3, 2),
            actor_role="manager",
            actor_team_id=mo.store.profile.team_id,
        )
        professionals.add_professional(s, family_id, {"agency": "school", "name": "Mrs Patel"})
    mo.sync()
    ann.sync()
    with ann.store.session() as s:
        assert [r.episode_id for r in caseload.caseload(s, ann.store.worker_id)] == [episode_id]

    with mo.store.session() as s:
        allocation.allocate_episode(
            s,
            episode_id,
            bob_id,
            allocated_on=date(2026, 4, 1),
            handover_note="Mum prefers afternoons.",
            actor_role="manager",
            actor_team_id=mo.store.profile.team_id,
        )
    mo.sync()
    bob.sync()
    ann.sync()
    sue.sync()

    with bob.store.session() as s:
        (row,) = caseload.caseload(s, bob.store.worker_id)
        assert (row.episode_id, row.reference) == (episode_id, "EH-77")
        assert allocation.latest_handover_note(s, episode_id) == "Mum prefers afternoons."
        assert [p.name for p in professionals.list_professionals(s, family_id)] == ["Mrs Patel"]
    with ann.store.session() as s:
        assert caseload.caseload(s, ann.store.worker_id) == []
        # Still in the team: the family stays readable on Ann's laptop as the team scope allows.
        assert s.get(Episode, episode_id).allocated_worker_name == "bob"
    for model in (Family, Person, Episode, Allocation, Professional):
        assert sue.rows(model) == [], model.__tablename__
    assert server.count(Allocation) == 2


def test_a_manager_asks_for_a_team_move_and_the_servers_move_closes_it(laptops, server):
    from ehdesk.casework import team_moves
    from ehdesk.models.team import TeamMoveRequest
    from ehdesk.server.move_requests import open_requests

    with server.session() as s:
        admin.create_user(s, "mo", "North", "manager", PASSWORD)
    mo, sue = laptops("mo"), laptops("sue")
    mo.sync()
    family_id = mo.add_family("EH-88", members=1)
    with mo.store.session() as s:
        (south_id, name), *_ = team_moves.other_teams(s, family_id)
        assert name == "South"
        team_moves.request_team_move(
            s, family_id, south_id, "Family moved to Southtown.", actor_role="manager"
        )
    mo.sync()
    with server.session() as s:
        (request,) = open_requests(s)
        assert (request.reference, request.from_team, request.to_team) == ("EH-88", "North", "South")
        admin.move_family(s, family_id, "South")
    with server.session() as s:
        assert open_requests(s) == []
    sue.sync()
    mo.sync()
    (moved,) = sue.rows(TeamMoveRequest)
    assert (moved.status, moved.reason) == ("done", "Family moved to Southtown.")
    assert sue.get(Family, family_id).reference == "EH-88"
    assert mo.rows(TeamMoveRequest) == []  # the family left North: purged from Mo's laptop
