"""Nothing personal in plaintext anywhere under the data dir (DESIGN.md §3)."""

from __future__ import annotations

from datetime import date

from ehdesk.casework.export import collect
from ehdesk.casework.families import add_person, create_family
from tests.conftest import PASSWORD

NAMES = [
    "Wiśniewska",
    "Kowalczyk",
    "Okonkwo",
    "Szczepańska",
    "Коваленко",
    "王秀英",
    "حداد",
    "Featherstonehaugh",
]


def _scan(root, needles):
    hits = []
    for path in root.rglob("*"):
        if path.is_file():
            blob = path.read_bytes()
            for needle in needles:
                for encoded in (needle.encode("utf-8"), needle.encode("utf-16-le")):
                    if encoded in blob:
                        hits.append((path.name, needle))
    return hits


def test_no_family_name_can_be_read_from_any_file_under_the_data_dir(profiles, data_dir):
    profiles.create("Jo Pearce", PASSWORD)
    store = profiles.unlock("Jo Pearce", PASSWORD)
    with store.session() as s:
        for surname in NAMES:
            family = create_family(s, {"household_name": surname, "postcode": "DE1 1AA"})
            add_person(
                s,
                family,
                {
                    "given_name": "Zofia",
                    "family_name": surname,
                    "role": "adult",
                    "gender": "female",
                    "date_of_birth": date(1990, 5, 17),
                },
            )
    # Read everything back while open so the WAL and caches are exercised too.
    with store.session() as s:
        assert len(collect(s)["tables"]["family"]) == len(NAMES)
    store.close()

    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert any(p.name == "store.db" for p in files)
    assert _scan(data_dir, NAMES) == []


def test_the_store_file_is_not_a_readable_sqlite_database(store):
    header = store.profile.db_path.read_bytes()[:16]
    assert header != b"SQLite format 3\x00"


def test_names_in_any_script_round_trip(store):
    with store.session() as s:
        family = create_family(s, {"household_name": "王"})
        person = add_person(
            s,
            family,
            {
                "given_name": "ليلى",
                "family_name": "حداد",
                "role": "child",
                "gender": "female",
                "other_names": "Олена Ковальчук",
            },
        )
    store.close()
    from ehdesk.store import ProfileManager

    reopened = ProfileManager(store.profile.path.parent.parent).unlock(store.profile.name, PASSWORD)
    with reopened.session() as s:
        data = collect(s)
    reopened.close()
    people = {p["id"]: p for p in data["tables"]["person"]}
    assert people[person]["given_name"] == "ليلى"
    assert people[person]["family_name"] == "حداد"
    assert people[person]["other_names"] == "Олена Ковальчук"
    assert data["tables"]["family"][0]["household_name"] == "王"
