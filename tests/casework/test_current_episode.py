"""Every tab, document and fact source asks one rule which case is the family's current one, so
two tabs of one record never show different cases."""

from datetime import date

from ehdesk.casework import agreements, assessments, episode_access, episodes, readings
from ehdesk.models import Episode, Family


def _family_with(store, *cases):
    with store.session() as s:
        family = Family(reference="EH-CUR-1", household_name="Current household", team_id="team-a")
        s.add(family)
        s.flush()
        ids = []
        for opened, closed in cases:
            ep = Episode(
                family_id=family.id,
                opened_on=opened,
                allocated_on=opened,
                status="closed" if closed else "open",
                closed_on=closed,
            )
            s.add(ep)
            s.flush()
            ids.append(ep.id)
        return family.id, ids


def _answers(store, family_id):
    with store.session() as s:
        return {
            "episode_access": episode_access.current_episode(s, family_id).id,
            "agreements": agreements.current_episode(s, family_id).id,
            "assessments": assessments.current_episode(s, family_id).id,
            "readings": readings.current_episode(s, family_id).id,
            "episodes": episodes.current_episode(s, family_id).id,
        }


def test_with_no_case_open_every_tab_shows_the_case_that_closed_last(store):
    # A long case closed in January 2026; a shorter one opened later but closed earlier.
    family_id, (long_case, short_case) = _family_with(
        store, (date(2024, 1, 8), date(2026, 1, 20)), (date(2025, 1, 6), date(2025, 6, 30))
    )
    assert set(_answers(store, family_id).values()) == {long_case}


def test_an_open_case_wins_over_any_closed_one(store):
    family_id, (_closed, open_case) = _family_with(
        store, (date(2025, 1, 6), date(2026, 11, 30)), (date(2024, 3, 1), None)
    )
    assert set(_answers(store, family_id).values()) == {open_case}
