"""The subject-access export is written as it is read: the same content as the whole-store
collection, in memory that does not grow with the number of families, and never a half file."""

import json
import tracemalloc

import pytest

from ehdesk.casework import export
from ehdesk.models import Family, Person


def fill(store, families: int, notes: str) -> None:
    with store.session() as s:
        for i in range(families):
            family = Family(
                reference=f"EH-{i}", household_name=f"Household {i}", team_id="team-1", notes=notes
            )
            s.add(family)
            s.flush()
            for j in range(3):
                s.add(
                    Person(
                        family_id=family.id,
                        given_name=f"Child {j}",
                        family_name=f"Name{i}",
                        disability_sen=notes,
                    )
                )


def test_streamed_export_holds_what_the_store_holds(store, tmp_path):
    fill(store, 20, "Likes drawing; ‘quotes’ and ünïcode kept")
    out = tmp_path / "all.json"
    with store.session() as s:
        rows = export.export_to_file(s, out)
        expected = export.collect(s)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert rows == sum(len(v) for v in written["tables"].values())
    assert written["tables"]["person"][0]["disability_sen"] == "Likes drawing; ‘quotes’ and ünïcode kept"
    # The same records as the whole-store collection (the export's own audit event came after).
    assert {k: v for k, v in written["tables"].items() if k != "audit_event"} == {
        k: v for k, v in expected["tables"].items() if k != "audit_event"
    }
    assert not out.with_name("all.json.partial").exists()


def test_export_memory_does_not_grow_with_the_store(store, tmp_path):
    fill(store, 600, "x" * 2000)  # about 5 MB of records
    out = tmp_path / "all.json"
    with store.session() as s:
        tracemalloc.start()
        export.export_to_file(s, out)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    size = out.stat().st_size
    assert size > 4_000_000
    assert peak < size / 3, f"peak {peak:,} B for a {size:,} B export"


def test_a_failed_export_leaves_no_file(store, tmp_path, monkeypatch):
    fill(store, 3, "")
    out = tmp_path / "all.json"

    def broken(value):
        raise OSError("disk full")

    monkeypatch.setattr(export, "to_json_value", broken)
    with store.session() as s, pytest.raises(OSError):
        export.export_to_file(s, out)
    assert list(tmp_path.iterdir()) == [] or not any(
        p.name.startswith("all.json") for p in tmp_path.iterdir()
    )
