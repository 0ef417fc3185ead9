"""A family's Supporting Families needs and progress travel between laptops like the rest of its
record, and are in the subject-access export."""

from datetime import date, timedelta

from ehdesk.casework import supporting_families as sf
from ehdesk.casework.export import collect
from ehdesk.config.pack import load_pack
from ehdesk.models import Episode, FamilyOutcome


def test_needs_and_progress_sync_and_are_exported(laptops, server):
    pack = load_pack("default")
    ann, bob = laptops("ann"), laptops("bob")
    family_id = ann.add_family("EH-SF", members=2)
    today = date.today()
    with ann.store.session() as s:
        episode = Episode(family_id=family_id, opened_on=today - timedelta(days=300))
        s.add(episode)
        s.flush()
        rid = sf.record_need(s, episode.id, "housing", today - timedelta(days=290), pack=pack, today=today)
        sf.record_progress(
            s,
            rid,
            today - timedelta(days=250),
            today - timedelta(days=10),
            "Tenancy kept",
            pack=pack,
            today=today,
        )
    ann.sync()
    bob.sync()
    [row] = bob.rows(FamilyOutcome, FamilyOutcome.family_id == family_id)
    assert (row.outcome, row.evidence, row.sustained_to) == (
        "housing",
        "Tenancy kept",
        today - timedelta(days=10),
    )
    with bob.store.session() as s:
        exported = collect(s, family_id)
    assert [r["outcome"] for r in exported["tables"]["family_outcome"]] == ["housing"]
