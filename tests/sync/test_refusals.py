"""The changes the council server refused are listed on the worker's laptop, each with what it was,
its family and the server's reason, until the worker dismisses it. Before, the laptop heard only
how many ("The server refused 2 changes: ask IT."), and could not say which of its records the
council does not hold."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from ehdesk.casework import flags
from ehdesk.models import RefusedChange
from ehdesk.models.team import Supervision
from ehdesk.server import admin
from ehdesk.sync import engine as engine_module
from ehdesk.sync import refusals
from ehdesk.sync.client import SyncRefused
from tests.sync.scenarios import supervision_after_stepping_down

REASON = "Only a manager can record case supervision."
# The action marked done on it: a change to a record the server refused before.
LATER = "The record it changes was refused before, so this change is kept aside with it."


def _listed(laptop, family_id=None):
    with laptop.store.session() as s:
        return refusals.open_refusals(s, family_id)


def test_each_refused_change_is_listed_with_its_family_and_the_servers_reason(server, laptops):
    ann, family_id, supervision_id = supervision_after_stepping_down(server, laptops)
    second = ann.add_family("EH-NEXT")

    summary = ann.sync()
    assert summary.refused == 2
    assert "2 refused by the server" in summary.text()
    listed = _listed(ann)
    assert [(r.what, r.reason, r.family_id) for r in listed] == [
        ("New supervision", REASON, family_id),
        ("Change to supervision (actions)", LATER, family_id),
    ]
    assert listed[0].reference == "EH-SUP"
    # Only this family's, on its record; none on another's.
    assert len(_listed(ann, family_id)) == 2
    assert _listed(ann, second) == []
    with ann.store.session() as s:
        [flag] = [f for f in flags.family_flags(s, family_id) if f.code == "refused_by_server"]
        assert flag.message.startswith("2 changes to this family were not accepted by the council server")
        assert not [f for f in flags.family_flags(s, second) if f.code == "refused_by_server"]
    # The supervision is still on Ann's laptop, and only there.
    assert ann.get(Supervision, supervision_id) is not None
    assert server.get(Supervision, supervision_id) is None

    # Said once: the next sync refuses nothing new, and the list stays until dismissed.
    assert ann.sync().refused == 0
    assert len(_listed(ann)) == 2
    with ann.store.session() as s:
        refusals.dismiss(s, listed[0].seq)
    assert [r.what for r in _listed(ann)] == ["Change to supervision (actions)"]
    with ann.store.session() as s:
        assert refusals.open_count(s) == 1
        [flag] = [f for f in flags.family_flags(s, family_id) if f.code == "refused_by_server"]
        assert flag.message.startswith("1 change to this family was not accepted")


def test_a_refusal_is_not_lost_when_the_laptop_stops_before_recording_the_servers_reply(
    server, laptops, monkeypatch
):
    """The server refused the supervision, but the laptop stopped before recording the reply: sent
    again, the batch is answered "already applied". The laptop asks which of those the server had
    refused, and lists exactly those."""
    ann, family_id, _ = supervision_after_stepping_down(server, laptops)
    ann.add_family("EH-NEXT")
    real = engine_module.acknowledge

    def stop_once(*args, **kwargs):
        monkeypatch.setattr(engine_module, "acknowledge", real)
        raise RuntimeError("the laptop stopped")

    monkeypatch.setattr(engine_module, "acknowledge", stop_once)
    with pytest.raises(RuntimeError):
        ann.sync()
    assert _listed(ann) == []

    summary = ann.sync()
    assert summary.refused == 2
    assert [(r.what, r.reason) for r in _listed(ann)] == [
        ("New supervision", REASON),
        ("Change to supervision (actions)", LATER),
    ]
    # Everything else answered "already applied" was applied: none of it is kept.
    with ann.store.session() as s:
        assert s.scalar(select(func.count()).select_from(RefusedChange)) == 2


def test_a_server_that_cannot_say_why_leaves_the_refusals_listed_without_a_reason(
    server, laptops, monkeypatch
):
    ann, _, _ = supervision_after_stepping_down(server, laptops)

    def too_old(self, seqs):
        raise SyncRefused("Not Found", 404)

    monkeypatch.setattr("ehdesk.sync.client.SyncClient.refusals", too_old)
    assert ann.sync().refused == 2
    assert {r.reason for r in _listed(ann)} == {refusals.REASON_NOT_GIVEN}

    # Once the server can say, the next sync asks again and the reasons fill in.
    monkeypatch.undo()
    assert ann.sync().refused == 0
    assert [r.reason for r in _listed(ann)] == [REASON, LATER]


def test_refusals_leave_the_laptop_with_their_family(server, laptops):
    ann, family_id, _ = supervision_after_stepping_down(server, laptops)
    ann.sync()
    assert len(_listed(ann)) == 2

    # The family moves to another team: its refusals hold its words, and go with it.
    with server.session() as s:
        admin.move_family(s, family_id, "South")
    assert ann.sync().purged_families == 1
    with ann.store.session() as s:
        assert s.scalar(select(func.count()).select_from(RefusedChange)) == 0


def test_a_wipe_removes_the_refusals(server, laptops):
    ann, _, _ = supervision_after_stepping_down(server, laptops)
    ann.sync()
    assert len(_listed(ann)) == 2
    with server.session() as s:
        admin.wipe_profile(s, device_id=ann.store.device_id)
    assert ann.sync().wiped
    with ann.store.session() as s:
        assert s.scalar(select(func.count()).select_from(RefusedChange)) == 0


def test_the_command_line_lists_them_by_family_reference_and_dismisses_one(
    server, laptops, monkeypatch, capsys
):
    from ehdesk.cli import main
    from tests.sync.harness import PASSWORD

    ann, _, _ = supervision_after_stepping_down(server, laptops)
    ann.sync()
    seqs = [r.seq for r in _listed(ann)]
    ann.store.close()
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    base = ["--data-dir", str(ann.data_dir), "refused", "--profile", "ann"]

    assert main(base) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "2 changes the council server did not accept (they are on this laptop only):",
        f"  change {seqs[0]}  EH-SUP  New supervision: {REASON}",
        f"  change {seqs[1]}  EH-SUP  Change to supervision (actions): {LATER}",
    ]
    # Never the household's name: the reference only, as ``family list`` prints.
    assert main([*base, "--dismiss", str(seqs[0]), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["change"], r["reference"], r["reason"]) for r in listed] == [(seqs[1], "EH-SUP", LATER)]
    assert main([*base, "--dismiss", "999999"]) == 2
    assert "No refused change 999999 is listed on this laptop." in capsys.readouterr().err
    assert main([*base, "--dismiss", str(seqs[1])]) == 0
    assert capsys.readouterr().out.endswith("The council server has accepted every change on this laptop.\n")


def test_a_refused_audit_event_is_not_listed_for_the_worker(server, laptops):
    """An audit event is the laptop's record of what the worker did: the worker can do nothing
    about its refusal, so it is not listed (IT has it); the refused change it records is."""
    from ehdesk.casework import audit
    from ehdesk.models import Family

    ann = laptops("ann")
    with ann.store.session() as s:
        # A family on another team's books, as an altered laptop might make it.
        family = Family(reference="EH-SOUTH", household_name="Elsewhere", team_id=server.teams["South"])
        s.add(family)
        s.flush()
        audit.record(s, "view", "family", family.id, family.id)
        family_id = family.id
    summary = ann.sync()
    assert summary.refused == 2
    with server.session() as s:
        assert sorted(q.mutation["entity"] for q, _name in admin.refused(s, "ann")) == [
            "audit_event",
            "family",
        ]
    assert [(r.what, r.family_id) for r in _listed(ann)] == [("New family details", family_id)]
