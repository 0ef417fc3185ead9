"""A push batch is written from the outbox's stored JSON: the server must read exactly the request
the laptop would have built change by change."""

import json

from ehdesk.models import OutboxEntry
from ehdesk.sync import protocol as p
from ehdesk.sync.outbox_batches import read_batch

TRICKY = [
    {"given_name": "Zoë", "notes": 'She said "no" \\ then\nleft', "age": 7},
    {"detail": {"nested": [1, 2.5, None, True], "empty": {}}, "deleted": False},
    {"score": float("nan"), "label": "NaN is not a number"},  # written by json.dumps as NaN
    {"row": "日本語 and emoji 🙂", "when": "2026-12-05T10:00:00+00:00"},
]


def _add(store, entries):
    with store.session(applying_remote=True) as s:
        for i, (fields, row_id, changed_at) in enumerate(entries, start=1):
            s.add(
                OutboxEntry(
                    device_id=store.device_id or "dev-1",
                    entity="person",
                    row_id=row_id,
                    op="insert" if i % 2 else "update",
                    fields=fields,
                    base_revision=i * 3,
                    changed_at=changed_at,
                )
            )


def test_a_batch_is_the_request_the_models_would_have_made(store):
    rows = [
        (fields, row_id, changed_at)
        for fields, row_id, changed_at in zip(
            TRICKY,
            ["id-1", "id:2.b", "id_3", "id-4"],
            ["2026-12-05T10:00:00+00:00", "2026-12-05 10:00:01", "now\\", "2026-12-05T10:00:03Z"],
            strict=True,
        )
    ]
    _add(store, rows)
    device = store.device_id or "dev-1"
    batch = read_batch(store, after=0, limit=10)
    assert [seq for seq, _, _ in batch.entries] == [1, 2, 3, 4]
    sent = p.PushRequest.model_validate_json(
        f'{{"schema_version":3,"device_id":{json.dumps(device)},"mutations":[{batch.mutations_json}],"cursor":5}}'
    )
    expected = [
        p.Mutation(
            device_id=device,
            seq=i,
            entity="person",
            row_id=row_id,
            op="insert" if i % 2 else "update",
            fields=json.loads(json.dumps(fields)),
            base_revision=i * 3,
            changed_at=changed_at,
        )
        for i, (fields, row_id, changed_at) in enumerate(rows, start=1)
    ]
    # NaN is not JSON: as before, it travels as null (the model's own rule).
    expected[2].fields["score"] = None
    assert sent.mutations == expected
    assert sent.cursor == 5


def test_a_batch_stops_at_its_size_but_always_holds_one_change(store):
    big = {"notes": "x" * 1000}
    _add(store, [(big, f"id-{i}", "2026-12-05T10:00:00+00:00") for i in range(5)])
    assert len(read_batch(store, after=0, limit=10, max_bytes=2500).entries) == 2
    assert len(read_batch(store, after=0, limit=10, max_bytes=10).entries) == 1
    assert len(read_batch(store, after=3, limit=10).entries) == 2
    assert read_batch(store, after=5, limit=10) is None
