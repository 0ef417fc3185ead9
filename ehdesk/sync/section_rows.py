"""A snapshot section's rows turned into parameter tuples for one prepared ``INSERT`` a table.

A section is ``[[revision, {the whole row}], ...]``: hundreds of thousands of rows in a first sync,
turned into tuples on the thread that reads the frames while the previous frame is written. That
thread shares the interpreter with the writes, so what it costs in Python the writer waits for.

msgspec decodes each row straight into a struct of the table's columns (no dict a row, no key
looked up in Python; unknown keys skipped, absent keys given the column's default), leaves JSON
column values as the raw JSON text the server sent (stored as text by a cast in the ``INSERT``),
and gives the values in column order; only times are touched in Python, to their stored form.
1,000 demo families: 0.10 s of CPU against 0.35 s parsing into dicts and picking the values out.
(Converting the times inside the ``INSERT`` instead cost the writing thread, which sets the pace,
more than it saved this one.) Parameter 1 is the revision of the log entry; column k is
parameter k + 2.

A section msgspec refuses (an integer beyond 64 bits, NaN, a lone surrogate: none of which a
server sends) is parsed as before, by ``parse_section``, into the same tuples, so nothing that was
taken before is refused now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import msgspec
import orjson

from ehdesk.sync.framing import parse_section

_astuple = msgspec.structs.astuple


@dataclass
class SectionShape:
    """How one table's sections become parameter tuples, worked out once per table."""

    sql: str
    names: list[str]
    kinds: tuple[str, ...]  # per column: "time", "json" or ""
    times: list[int]  # where the times are in a tuple
    missing: dict[str, object]  # column -> stored value for a key the row does not carry
    decoder: Any  # msgspec.json.Decoder of list[tuple[int, row struct]]
    changed_at: int  # where client_changed_at is in a tuple


def section_shape(
    table: str, names: list[str], kinds: tuple[str, ...], update_names: list[str], missing: dict[str, object]
) -> SectionShape:
    """``missing``: each column's value, as SQLite stores it, for rows without the key (a row from
    an older release, ``created_at`` which the server never sends)."""
    values = []
    for k, (name, kind) in enumerate(zip(names, kinds, strict=True)):
        slot = f"?{k + 2}"
        if name == "server_revision":
            values.append("?1")  # the log entry's revision, not the row's own field
        elif kind == "json":
            values.append(f"CAST({slot} AS TEXT)")  # raw JSON arrives as bytes
        else:
            values.append(slot)  # text, numbers, booleans and nulls are what SQLite stores
    quoted = ", ".join(f'"{n}"' for n in names)
    sets = ", ".join(f'"{n}" = excluded."{n}"' for n in update_names)
    sql = (
        f'INSERT INTO "{table}" ({quoted}) VALUES ({", ".join(values)}) '
        f'ON CONFLICT("id") DO UPDATE SET {sets}'
    )
    # Fields are named f0, f1, ... and renamed to the columns, so any column name is a field name.
    row = msgspec.defstruct(
        f"{table}_row",
        [
            (f"f{k}", msgspec.Raw if kind == "json" else Any, missing.get(name))
            for k, (name, kind) in enumerate(zip(names, kinds, strict=True))
        ],
        rename={f"f{k}": name for k, name in enumerate(names)},
        gc=False,  # rows hold no cycles: the collector need not track millions of them
    )
    decoder = msgspec.json.Decoder(list[tuple[int, row]])  # type: ignore[valid-type]  # made at run time
    times = [k + 1 for k, kind in enumerate(kinds) if kind == "time"]
    return SectionShape(sql, names, kinds, times, missing, decoder, names.index("client_changed_at") + 1)


def section_rows(shape: SectionShape, data: str | bytes) -> list:
    """Parameter tuples for ``shape.sql``: (revision, each column's value in column order)."""
    try:
        rows = shape.decoder.decode(data)
    except msgspec.DecodeError:
        return _parsed_rows(shape, parse_section(data))
    times = shape.times
    if not times:
        return [(revision, *_astuple(row)) for revision, row in rows]
    out = []
    for revision, row in rows:
        values = [revision, *_astuple(row)]
        for at in times:
            if (value := values[at]) is not None:
                values[at] = stored_time(value)
        out.append(values)
    return out


def newest_stamp(rows: list, at: int) -> str:
    """The newest change stamp at position ``at`` of parameter tuples (stamps sort as text, as
    SQL's max does); rows without one are passed over."""
    return max((row[at] for row in rows if row[at]), default="")


def _parsed_rows(shape: SectionShape, rows: list) -> list[tuple]:
    """The same tuples from rows parsed into dicts: JSON values written back as text."""
    out = []
    for revision, fields in rows:
        values = [revision]
        for name, kind in zip(shape.names, shape.kinds, strict=True):
            if name not in fields:
                values.append(shape.missing.get(name))
            elif kind == "json":
                values.append(json_text(fields[name]))
            elif kind == "time" and fields[name] is not None:
                values.append(stored_time(fields[name]))
            else:
                values.append(fields[name])
        out.append(tuple(values))
    return out


def stored_time(value: str) -> str:
    """A time from the wire ('YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00', always UTC) as the ORM stores
    it on SQLite ('YYYY-MM-DD HH:MM:SS.ffffff'); a time already in that form stays as it is."""
    if len(value) > 19 and value[19] == ".":
        return f"{value[:10]} {value[11:26]}"
    return f"{value[:10]} {value[11:19]}.000000"


def json_text(value) -> str:
    """A JSON column's value as the text SQLite keeps (the same value the ORM's ``json.dumps``
    stores, written compactly). orjson is six times faster than ``json.dumps``; what it cannot
    write (an integer beyond 64 bits, a lone surrogate) goes to ``json.dumps``, unchanged."""
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:
        return json.dumps(value)
