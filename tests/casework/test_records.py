"""A record removed on another laptop (or never here) is "not found" in words a worker reads, and
an operation on it changes nothing."""

import pytest

from ehdesk.casework import families
from ehdesk.casework.episode_access import episode_or_404
from ehdesk.errors import NotFound
from ehdesk.models import Episode, Person


def test_a_removed_member_cannot_be_edited_or_removed_again(store):
    with store.session() as s:
        family_id = families.create_family(s, {"household_name": "Hill"})
        jo = families.add_person(
            s,
            family_id,
            {"given_name": "Jo", "family_name": "Hill", "role": "adult", "relationship": "mother"},
        )
        families.remove_person(s, jo)
    with store.session() as s:
        with pytest.raises(NotFound, match=r"^That family member is no longer in the record\.$"):
            families.update_person(s, jo, {"given_name": "Joanne"})
        with pytest.raises(NotFound, match=r"^That family member is no longer in the record\.$"):
            families.remove_person(s, jo)
    with store.session() as s:
        assert s.get(Person, jo).given_name == "Jo"


def test_a_family_or_case_that_is_not_here_says_so(store, episode):
    family_id, episode_id = episode
    with store.session() as s:
        with pytest.raises(NotFound) as family_gone:
            families.get_family(s, "no-such-family")
        s.get(Episode, episode_id).deleted = True
        with pytest.raises(NotFound) as case_gone:
            episode_or_404(s, episode_id)
    assert str(family_gone.value) == (
        "That family is not in this worker's records (it may have been moved or removed)."
    )
    assert str(case_gone.value) == "That case no longer exists on this laptop."
