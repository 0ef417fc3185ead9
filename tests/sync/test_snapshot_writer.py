"""Writing snapshot frames into a store: rows land exactly as the ORM would have stored them,
fields still waiting to be pushed keep their local value, and rows from a newer or older server
(extra keys, missing keys, unknown tables) are taken as far as this release understands them."""

import json

import pytest
from sqlalchemy import func, select, text

from ehdesk.models import Family, OutboxEntry, Person
from ehdesk.sync.framing import Frame
from ehdesk.sync.snapshot import NEWEST_KEY, ROWS_KEY, SnapshotWriter


def frame(rows, last=True, revision=50, blobs=None):
    sections = {}
    for row_revision, table, fields in rows:
        sections.setdefault(table, []).append([row_revision, fields])
    return Frame(
        header={"revision": revision, "upto": revision, "last": last},
        sections=[(table, json.dumps(rs), len(rs)) for table, rs in sections.items()],
        blobs=blobs or {},
    )


def family_row(revision, family_id, **fields):
    base = {
        "id": family_id,
        "reference": "EH-9",
        "household_name": "Household",
        "team_id": "team-1",
        "client_changed_at": "0001767225600000-00000-dev",
        "deleted": False,
    }
    return [revision, "family", {**base, **fields}]


def test_a_pending_local_edit_survives_a_snapshot_row_and_the_rest_lands(store):
    with store.session() as s:
        s.add(Family(id="fam-1", reference="EH-9", household_name="Household", team_id="team-1"))
    with store.session() as s:
        pushed = s.scalar(select(func.max(OutboxEntry.seq)))
    store.set_state("outbox_acked_seq", str(pushed))  # the new family has been pushed
    with store.session() as s:
        s.get(Family, "fam-1").town = "Typed offline"  # waiting in the outbox
    SnapshotWriter(store).apply(
        frame([family_row(40, "fam-1", town="From the server", postcode="LS1 1AA", notes="Server note")])
    )
    with store.session() as s:
        family = s.get(Family, "fam-1")
        assert (family.town, family.postcode, family.notes) == ("Typed offline", "LS1 1AA", "Server note")
        assert family.server_revision == 40
    assert store.get_state("pull_cursor") == "50"


def test_a_row_the_laptop_already_holds_takes_the_servers_values_beside_new_rows(store):
    """A row the laptop held before the snapshot began (a family that came back into scope, a first
    sync started again from the beginning), with nothing of it waiting to be pushed, goes through
    the fast path with the new rows of its section: it takes the server's values, and every row
    lands once."""
    with store.session() as s:
        s.add(Family(id="fam-held", reference="EH-1", household_name="Old name", team_id="team-1"))
    with store.session() as s:
        pushed = s.scalar(select(func.max(OutboxEntry.seq)))
    store.set_state("outbox_acked_seq", str(pushed))  # nothing waits to be pushed
    rows = [
        family_row(30, "fam-new-1", reference="EH-2"),
        family_row(31, "fam-held", reference="EH-1", household_name="Server name"),
        family_row(32, "fam-new-2", reference="EH-3"),
    ]
    assert SnapshotWriter(store).apply(frame(rows, revision=32)) == 3
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Family)) == 3
        held = s.get(Family, "fam-held")
        assert (held.household_name, held.server_revision) == ("Server name", 31)
        assert s.get(Family, "fam-new-2").server_revision == 32
    assert store.get_state("pull_cursor") == "32"


def test_rows_from_other_releases_are_taken_as_far_as_understood(store):
    person = {
        "id": "p-1",
        "family_id": "fam-2",
        "given_name": "Ada",
        "family_name": "Test",
        "date_of_birth": "2019-04-02",
        "a_field_from_a_newer_release": "ignored",
    }
    rows = [
        # An older server's family row, without notes or town: the columns' defaults apply.
        [7, "family", {"id": "fam-2", "reference": "EH-2", "household_name": "H", "team_id": "t"}],
        [8, "person", {**person, "deleted": True}],
        [9, "a_table_from_a_newer_release", {"id": "x-1", "anything": 1}],
    ]
    written = SnapshotWriter(store).apply(frame(rows, revision=9))
    assert written == 2
    with store.session() as s:
        family = s.get(Family, "fam-2")
        assert family.reference == "EH-2" and family.client_changed_at == "" and family.deleted is False
        assert family.created_at is not None and family.updated_at is not None
        ada = s.get(Person, "p-1")
        assert ada.deleted is True and ada.date_of_birth.isoformat() == "2019-04-02"
    assert store.get_state(ROWS_KEY) == "2"


@pytest.mark.parametrize("path", ["decoded by msgspec", "parsed into dicts"])
def test_snapshot_rows_are_stored_exactly_as_the_orm_stores_the_same_values(
    store, profiles, monkeypatch, path
):
    """The fast path hands most values to SQLite as decoded; whatever it converts (times, JSON
    values as text, the defaults of keys a row lacks, rows of one table with different keys) must
    read back as the same values, of the same types, as the ORM writing them. Sections msgspec
    refuses (here the agreements: an integer beyond 64 bits, a lone surrogate) are parsed into
    dicts instead; forced for every section, that path must store the same."""
    from ehdesk.models import Agreement, AgreementSignature, Consent
    from ehdesk.models.wire import dict_to_columns, row_to_dict
    from ehdesk.sync import section_rows
    from ehdesk.sync.framing import parse_section

    base = {"family_id": "fam-1", "client_changed_at": "0001767225600000-00000-dev", "deleted": False}
    agreement = {**base, "episode_id": "ep-1", "template_id": "t", "template_version": 2}
    rows = [
        [
            11,
            "agreement_signature",
            {
                **base,
                "id": "s-1",
                "agreement_id": "a-1",
                "signer_name": "Ann",
                "role": "parent",
                "signed_at": "2026-03-01T09:15:02.123456+00:00",
            },
        ],
        [
            12,
            "agreement_signature",
            {
                **base,
                "id": "s-2",
                "agreement_id": "a-1",
                "signer_name": "Bo",
                "role": "parent",
                "signed_at": "2026-03-01T09:15:02+00:00",
                "person_id": None,
                "deleted": True,
            },
        ],
        [
            13,
            "agreement",
            {
                **agreement,
                "id": "a-1",
                "agencies": ["school", "GP"],
                "review_date": None,
                "frozen_content": {
                    "title": "Café ✓",
                    "n": 2**70,
                    "x": 0.1,
                    "odd": "\ud800",
                    "nested": [{"a": None, "b": [True, False, 1.5e-7]}],
                },
            },
        ],
        # The same table, other keys: a JSON null, an empty value, and keys it does not carry.
        [14, "agreement", {**agreement, "id": "a-2", "agencies": [], "frozen_content": None}],
        [15, "agreement", {**agreement, "id": "a-3", "deleted": True}],
        [
            16,
            "consent",
            {
                **base,
                "id": "c-1",
                "person_id": "p-1",
                "scope": "assessment",
                "agencies": [],
                "given_on": "2025-09-22",
                "withdrawn_on": None,
                "safeguarding_shares": [{}],
            },
        ],
    ]
    for revision, _, fields in rows:
        fields["server_revision"] = revision
    sent = frame(rows, revision=16)
    if path == "parsed into dicts":
        monkeypatch.setattr(
            "ehdesk.sync.snapshot.section_rows",
            lambda shape, data: section_rows._parsed_rows(shape, parse_section(data)),
        )
    else:  # as they come off the wire
        sent.sections = [(table, text.encode(), count) for table, text, count in sent.sections]
    SnapshotWriter(store).apply(sent)

    profiles.create("Reference", "reference-password-1")
    reference = profiles.unlock("Reference", "reference-password-1")
    models = {"agreement": Agreement, "agreement_signature": AgreementSignature, "consent": Consent}
    try:
        with reference.session(applying_remote=True) as s:
            for _, table, fields in rows:
                s.add(models[table](**dict_to_columns(models[table], fields)))
        for _, table, fields in rows:
            model = models[table]
            with store.session() as s, reference.session() as r:
                got, want = row_to_dict(s.get(model, fields["id"])), row_to_dict(r.get(model, fields["id"]))
            for moment in ("created_at", "updated_at"):  # "now" on each side
                assert got.pop(moment) and want.pop(moment)
            # Compared as JSON text so that 1, 1.0 and True, or a dict and its keys' order, differ.
            assert json.dumps(got, sort_keys=True) == json.dumps(want, sort_keys=True)
        raw = store.engine.raw_connection()
        try:
            (stored,) = raw.driver_connection.execute(
                "SELECT signed_at FROM agreement_signature WHERE id = 's-2'"
            ).fetchone()
        finally:
            raw.close()
        assert stored == "2026-03-01 09:15:02.000000"  # the ORM's stored form, which indexes sort by
    finally:
        reference.close()


@pytest.mark.parametrize("begun_by", ["this release", "the previous release"])
def test_the_clock_moves_past_the_newest_change_even_when_it_came_before_a_cut(store, begun_by):
    """Edits made after a first sync are stamped later than every change it brought, including
    changes in frames committed before the connection dropped (and a new writer took over), also
    when the previous release wrote those frames (it did not record their newest change)."""
    future = "9000000000000-00003-other-laptop"  # far ahead of this laptop's clock
    first = frame([family_row(5, "fam-1", client_changed_at=future)], last=False, revision=9)
    first.header["upto"] = 5
    writer = SnapshotWriter(store)
    writer.apply(first)
    writer.flush()  # the stream stopped here
    if begun_by == "the previous release":
        with store.session() as s:
            s.execute(text("DELETE FROM sync_state WHERE key = :key"), {"key": NEWEST_KEY})
    SnapshotWriter(store).apply(frame([family_row(9, "fam-2")], revision=9))
    assert store.clock.now() > future
    assert store.get_state("pull_cursor") == "9"


def test_sections_parse_as_python_json_reads_them_even_where_orjson_refuses():
    """Sections are read with orjson for speed; what it refuses still reads as it did with json."""
    from ehdesk.sync.framing import parse_section

    ordinary = json.dumps([[1, {"id": "a", "t": "Café ✓ 🙂", "x": 0.1, "y": 1e-7, "n": -(2**63), "b": True}]])
    assert parse_section(ordinary) == json.loads(ordinary)
    assert parse_section(ordinary.encode()) == json.loads(ordinary)
    for refused in ('[[1, {"n": 1180591620717411303424}]]', '[[1, {"x": NaN}]]', '[[1, {"s": "\\ud800"}]]'):
        assert parse_section(refused) == json.loads(refused)
    with pytest.raises(ValueError):
        parse_section("[[1, {")
