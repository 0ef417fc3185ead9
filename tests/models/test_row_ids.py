"""Row ids are UUID version 7: unique, and in the order they were made, so rows written one after
another land together at the end of each index (the first sync and every save touch fewer pages)."""

import threading
import uuid

from ehdesk.models import types
from ehdesk.models.types import new_id


def test_ids_made_one_after_another_sort_in_that_order_and_never_repeat():
    ids = [new_id() for _ in range(20_000)]  # several thousand within one millisecond
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    parsed = uuid.UUID(ids[0])
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert str(parsed) == ids[0] and len(ids[0]) == 36


def test_ids_keep_increasing_when_the_clock_steps_back(monkeypatch):
    first = new_id()
    monkeypatch.setattr(types.time, "time_ns", lambda: 1_000_000_000_000)  # 2001: clock set back
    later = [new_id() for _ in range(5)]
    assert [first, *later] == sorted([first, *later])


def test_ids_made_on_several_threads_are_all_different():
    made: list[list[str]] = [[] for _ in range(4)]

    def make(bucket):
        bucket.extend(new_id() for _ in range(5_000))

    threads = [threading.Thread(target=make, args=(b,)) for b in made]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for bucket in made for i in bucket]
    assert len(set(every)) == len(every)
    assert all(bucket == sorted(bucket) for bucket in made)
