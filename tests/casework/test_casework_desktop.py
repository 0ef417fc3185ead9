"""Casework operations behind the desktop screens: referrals, episodes, consent, caseload, search,
drafts. Each edit is audited and lands in the outbox."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from ehdesk.casework import caseload, consent, drafts, episodes, families, referrals, search
from ehdesk.errors import ValidationError
from ehdesk.models import AuditEvent, OutboxEntry

TODAY = date.today()


@pytest.fixture
def family(store):
    with store.session() as s:
        fid = families.create_family(s, {"household_name": "Öztürk"})
        mum = families.add_person(
            s,
            fid,
            {
                "given_name": "Zoë",
                "family_name": "Öztürk",
                "role": "adult",
                "gender": "female",
                "relationship": "mother",
                "parental_responsibility": True,
                "date_of_birth": date(1990, 4, 2),
            },
        )
        kid = families.add_person(
            s,
            fid,
            {
                "given_name": "Ayşe",
                "family_name": "Öztürk",
                "role": "child",
                "gender": "female",
                "relationship": "daughter",
                "date_of_birth": date(2016, 3, 12),
            },
        )
    return fid, mum, kid


def _count(store, model):
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_referral_with_outcome_is_audited_and_queued(store, family):
    fid, _, _ = family
    before_audit, before_out = _count(store, AuditEvent), _count(store, OutboxEntry)
    with store.session() as s:
        rid = referrals.record_referral(
            s,
            fid,
            {
                "received_on": TODAY - timedelta(days=3),
                "source": "school",
                "level_of_need": 2,
                "presenting_needs": ["domestic_abuse"],
                "consent_obtained": True,
            },
        )
        referrals.record_outcome(s, rid, "family_service", TODAY)
    with store.session() as s:
        [r] = referrals.list_referrals(s, fid)
    assert r.outcome == "family_service" and r.consent_obtained and r.level_of_need == 2
    assert _count(store, AuditEvent) == before_audit + 2
    assert _count(store, OutboxEntry) > before_out


def test_referral_errors_name_each_field(store, family):
    fid, _, _ = family
    with store.session() as s, pytest.raises(ValidationError) as err:
        referrals.record_referral(
            s,
            fid,
            {"received_on": TODAY + timedelta(days=2), "level_of_need": 9, "outcome": "family_service"},
        )
    assert set(err.value.fields) == {"received_on", "level_of_need", "outcome_on"}
    assert "in the future" in err.value.fields["received_on"]


def test_episode_open_allocate_and_caseload_shows_next_due(store, family):
    fid, _, kid = family
    opened = TODAY - timedelta(days=60)
    with store.session() as s:
        eid = episodes.open_episode(
            s,
            fid,
            {
                "opened_on": opened,
                "lead_child_id": kid,
                "level_of_need": 3,
                "criteria_met": ["education"],
                "presenting_factors": ["domestic_abuse"],
            },
        )
        episodes.allocate(s, eid, store.worker_id, "Test Worker", opened)
    with store.session() as s:
        [row] = caseload.caseload(s, store.worker_id)
        with pytest.raises(ValidationError):
            episodes.open_episode(s, fid, {"opened_on": TODAY})
    assert row.household_name == "Öztürk" and row.lead_child == "Ayşe Öztürk"
    assert row.next_due_label in ("First TAF meeting", "Early help agreement signed")
    assert row.next_due_on == opened + timedelta(days=42) and row.overdue


def test_episode_rejects_adult_as_lead_child_and_unknown_criteria(store, family):
    fid, mum, _ = family
    with store.session() as s, pytest.raises(ValidationError) as err:
        episodes.open_episode(s, fid, {"opened_on": TODAY, "lead_child_id": mum, "criteria_met": ["nope"]})
    assert set(err.value.fields) == {"lead_child_id", "criteria_met"}


def test_consent_record_and_withdraw(store, family):
    fid, mum, _ = family
    with store.session() as s:
        with pytest.raises(ValidationError) as err:
            consent.record_consent(s, fid, person_id=mum, scope="share_information", given_on=TODAY)
        assert "agency" in err.value.fields["agencies"]
        cid = consent.record_consent(
            s, fid, person_id=mum, scope="share_information", given_on=TODAY, agencies=["school"]
        )
        consent.withdraw_consent(s, cid, TODAY)
        with pytest.raises(ValidationError):
            consent.withdraw_consent(s, cid, TODAY)
    with store.session() as s:
        [c] = consent.list_consents(s, fid)
    assert c.given_by_name == "Zoë Öztürk" and not c.active


def test_search_ignores_case_and_accents_and_finds_dates_and_references(store, family):
    fid, _, _ = family
    with store.session() as s:
        other = families.create_family(s, {"household_name": "Иванов"})
        families.add_person(s, other, {"given_name": "Дмитрий", "family_name": "Иванов"})
        ref = families.get_family(s, fid, audit_view=False).reference
        index = search.build_index(s)
    assert [h.family_id for h in index.search("zoe OZTURK")] == [fid]
    assert [h.family_id for h in index.search("ayse")] == [fid]
    assert [h.family_id for h in index.search("12/03/2016")] == [fid]
    assert [h.family_id for h in index.search(ref.lower())] == [fid]
    assert [h.family_id for h in index.search("дмит")] == [other]
    assert index.search("zoe иванов") == []
    assert index.search("   ") == []


def test_search_is_quick_with_5000_families():
    index = search.FamilyIndex()
    for i in range(5000):
        index.put(str(i), f"EH-{i:06d}", f"Family{i}", [(f"Name{i} Family{i}", date(2010, 1, 1 + i % 28))])
    started = time.perf_counter()
    for prefix in ("f", "fa", "fam", "fami", "family4", "family49"):
        index.search(prefix)
    assert (time.perf_counter() - started) / 6 < 0.03


def test_drafts_round_trip(store, family):
    fid, _, _ = family
    with store.session() as s:
        drafts.save_draft(s, "k", {"notes": "half a thought"}, fid)
    with store.session() as s:
        assert drafts.load_draft(s, "k") == {"notes": "half a thought"}
        assert drafts.drafts_for_family(s, fid) == {"k": {"notes": "half a thought"}}
        drafts.clear_draft(s, "k")
    with store.session() as s:
        assert drafts.load_draft(s, "k") is None
