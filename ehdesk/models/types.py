"""Column types shared by every model."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator

_id_lock = threading.Lock()
_last_id_time = 0  # (milliseconds << 12) | counter of the last id made by this process
# Per thread, while a bulk unit of work wants them (``store.born_reads``): the ids made since.
_made_here = threading.local()


def new_id() -> str:
    """A new row id: a UUID version 7 (RFC 9562), its first 48 bits the Unix time in milliseconds,
    then a 12-bit counter within the millisecond (method 3) and 62 random bits.

    Why not random (version 4): every table and index is a B-tree keyed by these ids, and rows made
    one after another with time-ordered ids land on the same last page of each index, where random
    ids land each on a different page. Writing a first sync's 420,053 rows in the log's order cost
    1.19x the time of writing them table by table with random ids, 1.04x with these
    (bench/README.md, issue 20's ninth round); recording which rows the server took, and every save,
    touch fewer pages too. Ids made by one process only ever increase, even if the clock steps back.
    The time an id shows is no secret: each row carries its own times."""
    global _last_id_time
    with _id_lock:
        stamp = max((time.time_ns() // 1_000_000) << 12, _last_id_time + 1)
        _last_id_time = stamp
    rand = int.from_bytes(os.urandom(8)) & 0x3FFF_FFFF_FFFF_FFFF
    value = ((stamp >> 12) << 80) | (0x7 << 76) | ((stamp & 0xFFF) << 64) | (0b10 << 62) | rand
    text = f"{value:032x}"
    made = f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    collected = getattr(_made_here, "ids", None)
    if collected is not None:
        collected.add(made)
    return made


def collect_new_ids(ids: set[str] | None) -> None:
    """Add every id this thread makes from now on to ``ids`` (None: stop). An id made here is
    known to nothing but the code this thread runs next, which is what ``store.born_reads``
    relies on."""
    _made_here.ids = ids


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC time is needed")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
