"""Two workers of one team edit offline, sync, and end up with the same records, with every
same-field clash kept as a conflict holding both values."""

import pytest
from sqlalchemy import select

from ehdesk.models import Family, Person, SyncConflict
from ehdesk.server import admin
from ehdesk.server.models import ChangeLog
from ehdesk.sync.conflicts import open_conflicts, resolve


def _family_fields(laptop, family_id):
    f = laptop.get(Family, family_id)
    return (f.reference, f.household_name, f.town, f.postcode, f.notes, f.deleted)


def test_offline_edits_on_both_converge_and_different_fields_merge(laptops, server):
    ann, bob = laptops("ann"), laptops("bob")
    family_id = ann.add_family("EH-1", members=2)
    assert ann.sync().pushed == 3
    bob.sync()
    assert bob.get(Family, family_id).reference == "EH-1"
    assert len(bob.rows(Person, Person.family_id == family_id)) == 2

    # Offline on both: different fields of the same family, and a new member on each side.
    ann.edit(Family, family_id, town="Leeds")
    bob.edit(Family, family_id, postcode="LS1 1AA")
    with ann.store.session() as s:
        s.add(Person(family_id=family_id, given_name="Ann's new", family_name="Test"))
    with bob.store.session() as s:
        s.add(Person(family_id=family_id, given_name="Bob's new", family_name="Test"))

    ann.sync()
    bob.sync()
    ann.sync()
    assert _family_fields(ann, family_id) == _family_fields(bob, family_id)
    assert ann.get(Family, family_id).town == "Leeds"
    assert ann.get(Family, family_id).postcode == "LS1 1AA"
    names = lambda lap: sorted(p.given_name for p in lap.rows(Person, Person.family_id == family_id))  # noqa: E731
    assert names(ann) == names(bob) == ["Ann's new", "Bob's new", "Child0", "Child1"]
    assert server.count(SyncConflict) == 0
    assert ann.engine().counts() == (0, 0)
    # A successful sync counts as being seen online (profiles expire after N days offline).
    from ehdesk.store import ProfileManager

    assert ProfileManager(ann.data_dir).find("ann").last_online_at > ann.store.profile.last_online_at


def test_same_field_edited_on_both_becomes_a_conflict_with_both_values_and_resolution_syncs(laptops, server):
    ann, bob = laptops("ann"), laptops("bob")
    family_id = ann.add_family("EH-2")
    ann.sync()
    bob.sync()

    ann.edit(Family, family_id, notes="Mum prefers mornings")
    bob.edit(Family, family_id, notes="Dad works nights")
    ann.sync()
    summary = bob.sync()
    assert summary.conflicts_new == 1
    ann.sync()

    # Neither value is lost: the record keeps the first to arrive, the conflict holds both.
    for lap in (ann, bob):
        assert lap.get(Family, family_id).notes == "Mum prefers mornings"
        (conflict,) = open_conflicts_of(lap)
        assert (conflict.server_value, conflict.client_value) == ("Mum prefers mornings", "Dad works nights")
        assert conflict.client_actor == "bob"
        assert lap.engine().counts()[1] == 1
    assert bob.statuses[-1].conflicts == 1
    assert "1 conflict" in bob.statuses[-1].text()

    # Bob merges the text; the merge and the closed conflict reach Ann.
    with bob.store.session() as s:
        (view,) = open_conflicts(s)
        resolve(s, view.id, "Mum prefers mornings; dad works nights", "bob")
    bob.sync()
    ann.sync()
    assert ann.get(Family, family_id).notes == "Mum prefers mornings; dad works nights"
    assert open_conflicts_of(ann) == [] and open_conflicts_of(bob) == []
    with server.session() as s:
        assert s.get(Family, family_id).notes == "Mum prefers mornings; dad works nights"
        assert s.scalars(select(SyncConflict)).one().status == "resolved"


def open_conflicts_of(lap):
    with lap.store.session() as s:
        return open_conflicts(s)


def test_deletes_propagate_as_tombstones(laptops, server):
    ann, bob = laptops("ann"), laptops("bob")
    family_id = ann.add_family("EH-3", members=2)
    ann.sync()
    bob.sync()
    child = bob.rows(Person, Person.family_id == family_id)[0]
    bob.edit(Person, child.id, deleted=True)
    bob.sync()
    ann.sync()
    assert ann.get(Person, child.id).deleted is True
    assert server.get(Person, child.id).deleted is True
    # A delete against an offline edit on the other laptop is not settled silently: it is a
    # conflict a person resolves ("deleted on one laptop, edited on another").
    other = [p for p in ann.rows(Person, Person.family_id == family_id) if p.id != child.id][0]
    ann.edit(Person, other.id, school_or_setting="Oak Primary")
    bob.edit(Person, other.id, deleted=True)
    bob.sync()
    ann.sync()
    bob.sync()
    assert server.count(SyncConflict) == 1
    # Until a person chooses, the deletion stands; the edit is kept on the record to restore.
    assert ann.get(Person, other.id).deleted is True
    with ann.store.session() as s:
        (conflict,) = open_conflicts(s, family_id)
        assert conflict.field_label == "Deleted on one laptop, edited on another"
        assert (conflict.server_label, conflict.client_label) == (
            "Deleted",
            "Kept (with the other laptop's edit)",
        )
        resolve(s, conflict.id, conflict.client_value, "ann")
    ann.sync()
    bob.sync()
    for laptop in (ann, bob):
        kept = laptop.get(Person, other.id)
        assert kept.deleted is False and kept.school_or_setting == "Oak Primary"


def test_pending_local_change_is_rebased_not_overwritten(laptops, server):
    ann, bob = laptops("ann"), laptops("bob")
    family_id = ann.add_family("EH-4")
    ann.sync()
    bob.sync()
    ann.edit(Family, family_id, town="York")
    ann.sync()
    bob.edit(Family, family_id, household_name="Smith household")
    # Pull only: Bob's unsent change must survive Ann's change arriving.
    engine = bob.engine()
    engine._pull(__import__("ehdesk.sync.engine", fromlist=["SyncSummary"]).SyncSummary())
    row = bob.get(Family, family_id)
    assert (row.town, row.household_name) == ("York", "Smith household")
    bob.sync()
    ann.sync()
    assert _family_fields(ann, family_id) == _family_fields(bob, family_id)
    assert ann.get(Family, family_id).household_name == "Smith household"


def test_family_moved_to_another_team_disappears_from_old_workers_laptop(laptops, server):
    ann, sue = laptops("ann"), laptops("sue")
    family_id = ann.add_family("EH-5", members=2)
    ann.sync()
    sue.sync()
    assert sue.get(Family, family_id) is None
    with server.session() as s:
        admin.move_family(s, family_id, "South")
    summary = ann.sync()
    assert summary.purged_families == 1
    assert ann.get(Family, family_id) is None
    assert ann.rows(Person, Person.family_id == family_id) == []
    sue.sync()
    assert sue.get(Family, family_id).team_id == server.teams["South"]
    assert len(sue.rows(Person, Person.family_id == family_id)) == 2
    # Sue's change reaches the server; Ann, out of scope, no longer receives anything of it.
    sue.edit(Family, family_id, town="Hull")
    sue.sync()
    ann.sync()
    assert ann.get(Family, family_id) is None


def test_change_log_revisions_only_grow_and_every_push_is_logged_once(laptops, server):
    ann = laptops("ann")
    family_id = ann.add_family("EH-6", members=3)
    ann.sync()
    ann.sync()
    with server.session() as s:
        rows = list(s.scalars(select(ChangeLog).where(ChangeLog.family_id == family_id)))
    assert len(rows) == 4
    assert ann.get(Family, family_id).server_revision == server.get(Family, family_id).server_revision > 0


def test_one_edit_costs_one_round_trip_each_way(laptops, server):
    ann, bob = laptops("ann"), laptops("bob")
    family_id = ann.add_family("EH-7")
    ann.sync()
    bob.sync()
    ann.edit(Family, family_id, town="Selby")
    engine = ann.engine()
    engine.client._renew()
    before = engine.client.round_trips
    engine.sync()
    assert engine.client.round_trips - before == 1  # the push; its reply says there is nothing to pull
    engine = bob.engine()
    engine.client._renew()
    before = engine.client.round_trips
    assert engine.sync().pulled == 1
    assert engine.client.round_trips - before == 1
    assert bob.get(Family, family_id).town == "Selby"


def test_revoked_laptop_is_told_in_plain_words_and_keeps_its_changes(laptops, server):
    from ehdesk.sync.client import SignedOut

    ann = laptops("ann")
    ann.add_family("EH-8")
    with server.session() as s:
        admin.revoke_device(s, username="ann")
    with pytest.raises(SignedOut, match="Sign in online again"):
        ann.sync()
    assert ann.statuses[-1].state == "error" and ann.statuses[-1].waiting == 2


def test_wipe_profile_removes_every_record_at_next_sync(laptops, server):
    ann = laptops("ann")
    family_id = ann.add_family("EH-9", members=2)
    ann.sync()
    with server.session() as s:
        admin.wipe_profile(s, username="ann")
    assert ann.sync().wiped is True
    assert ann.get(Family, family_id) is None and ann.rows(Person) == []
    assert server.get(Family, family_id) is not None


def test_refresh_token_falls_back_into_the_store_without_a_keyring(store, monkeypatch):
    import keyring
    from keyring.errors import NoKeyringError

    from ehdesk.sync.tokens import load_refresh_token, save_refresh_token

    def broken(*args):
        raise NoKeyringError("no backend")

    monkeypatch.setattr(keyring, "set_password", broken)
    monkeypatch.setattr(keyring, "get_password", broken)
    assert save_refresh_token(store, "secret-token-value") == "store"
    assert load_refresh_token(store) == "secret-token-value"


def test_blobs_travel_once_and_only_to_the_familys_team(laptops, server):
    from ehdesk.casework.blobs import get_blob, put_blob
    from ehdesk.models import Blob

    ann, bob, sue = laptops("ann"), laptops("bob"), laptops("sue")
    family_id = ann.add_family("EH-10")
    with ann.store.session() as s:
        digest = put_blob(s, b"\x89PNG signature strokes", "image/png", family_id)
    first = ann.sync()
    assert first.blobs_sent == 1
    assert ann.sync().blobs_sent == 0  # uploaded once
    assert bob.sync().blobs_received == 1
    with bob.store.session() as s:
        assert get_blob(s, digest) == b"\x89PNG signature strokes"
    engine = bob.engine()
    engine.client._renew()
    before = engine.client.round_trips
    assert engine.sync().blobs_sent == 0
    assert engine.client.round_trips - before == 1  # a blob received is not even offered back
    sue.sync()
    assert sue.rows(Blob) == []
