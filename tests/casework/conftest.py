from datetime import date

import pytest

from ehdesk.models import Episode, Family


@pytest.fixture
def episode(store):
    """(family_id, episode_id) of a family with an open episode allocated on 5 January 2026."""
    with store.session() as s:
        family = Family(reference="EH-TEST-1", household_name="Test household", team_id="team-a")
        s.add(family)
        s.flush()
        ep = Episode(family_id=family.id, opened_on=date(2026, 1, 5), allocated_on=date(2026, 1, 5))
        s.add(ep)
        s.flush()
        return family.id, ep.id
