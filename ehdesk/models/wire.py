"""Turning column values into JSON and back, the same way for the outbox, the sync protocol and
the subject-access export.

Decoding is strict (DESIGN.md §4, "the wire decoder is strict"): each value must already be of
its column's kind — a boolean only from JSON ``true``/``false`` (never "no" or 0), an integer only
from a JSON integer within what the column holds (never 1.9 or ``false``), text without NUL bytes
and within the column's length, dates and times in ISO form. Anything else raises ``WireTypeError``
naming the column, and the caller refuses the whole batch."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, Float, Integer, SmallInteger, String
from sqlalchemy.orm import Mapper

from ehdesk.models.base import Base
from ehdesk.models.types import UTCDateTime

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1
# JSON values nest at most this deep in a column (forms are a few levels; this is generous).
MAX_JSON_DEPTH = 32


class WireTypeError(ValueError):
    """A value is not of its column's kind. ``str(error)`` is a plain sentence naming the column."""

    def __init__(self, column: str, expected: str) -> None:
        super().__init__(f"{column} must be {expected}.")
        self.column = column
        self.expected = expected


def to_json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _int_bounds(kind) -> tuple[int, int]:
    if isinstance(kind, SmallInteger):
        return -(2**15), 2**15 - 1
    if isinstance(kind, BigInteger):
        return -(2**63), INT64_MAX
    return -(2**31), INT32_MAX


def check_json_value(name: str, value: Any, depth: int = 0) -> None:
    if depth > MAX_JSON_DEPTH:
        raise WireTypeError(name, f"nested at most {MAX_JSON_DEPTH} levels deep")
    if isinstance(value, str):
        if "\x00" in value:
            raise WireTypeError(name, "text without NUL characters")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise WireTypeError(name, "a finite number")
    elif isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or "\x00" in key:
                raise WireTypeError(name, "an object whose keys are text without NUL characters")
            check_json_value(name, item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            check_json_value(name, item, depth + 1)
    elif value is not None and not isinstance(value, bool | int):
        raise WireTypeError(name, "a JSON value")


def from_json_value(column, value: Any) -> Any:
    """The column value for a JSON ``value``; ``WireTypeError`` if it is not of the column's kind."""
    # The commonest values are answered before this by each column's decoder (``_decoders``).
    name = f"{column.table.name}.{column.name}" if getattr(column, "table", None) is not None else column.name
    if value is None:
        # A JSON column keeps JSON null as a value (SQLAlchemy stores it as 'null', not NULL).
        if not column.nullable and not column.primary_key and not isinstance(column.type, JSON):
            raise WireTypeError(name, "given (it cannot be empty)")
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        if not isinstance(value, str) or len(value) > 40:
            raise WireTypeError(name, "a date and time in ISO form")
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise WireTypeError(name, "a date and time in ISO form") from None
        # A time without an offset is UTC (every laptop writes UTC).
        return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    if isinstance(kind, Date):
        if not isinstance(value, str) or len(value) != 10:
            raise WireTypeError(name, "a date (YYYY-MM-DD)")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise WireTypeError(name, "a date (YYYY-MM-DD)") from None
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise WireTypeError(name, "true or false")
        return value
    if isinstance(kind, Integer):
        low, high = _int_bounds(kind)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise WireTypeError(name, f"a whole number from {low} to {high}")
        return value
    if isinstance(kind, Float):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise WireTypeError(name, "a number")
        return float(value)
    if isinstance(kind, String):  # Text is a String
        if not isinstance(value, str) or "\x00" in value:
            raise WireTypeError(name, "text without NUL characters")
        if kind.length is not None and len(value) > kind.length:
            raise WireTypeError(name, f"text of at most {kind.length} characters")
        return value
    if isinstance(kind, JSON):
        check_json_value(name, value)
        return value
    raise WireTypeError(name, "of a kind this version of ehdesk can read")


def column_names(mapper: Mapper) -> list[str]:
    return [attr.key for attr in mapper.column_attrs]


def row_to_dict(obj, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    mapper = obj.__mapper__
    return {key: to_json_value(getattr(obj, key)) for key in column_names(mapper) if key not in exclude}


def dict_to_columns(model: type[Base], data: dict[str, Any]) -> dict[str, Any]:
    """Decode a JSON dict for ``model``, ignoring keys the model does not have (a newer peer).
    Raises ``WireTypeError`` naming the first column whose value is of the wrong kind."""
    decoders = _decoders(model)
    out = {}
    for key, value in data.items():
        decode = decoders.get(key)
        if decode is not None:
            out[key] = decode(value)
    return out


@cache
def _decoders(model: type[Base]) -> dict[str, Callable[[Any], Any]]:
    """Per column, ``from_json_value`` with the commonest values (text within its length, a
    boolean, a whole number within its column, a time in ISO form, a JSON value, an allowed null)
    answered first without looking at the column again: a first push decodes hundreds of
    thousands of values, and most of them are these. Anything else goes to ``from_json_value``,
    which accepts and refuses exactly as before."""
    return {key: _decoder(column) for key, column in model.__mapper__.columns.items()}


def _decoder(column) -> Callable[[Any], Any]:
    kind = column.type
    null_ok = column.nullable or column.primary_key or isinstance(kind, JSON)
    if isinstance(kind, String):
        length = kind.length

        def text(value: Any) -> Any:
            if type(value) is str and "\x00" not in value and (length is None or len(value) <= length):
                return value
            if value is None and null_ok:
                return None
            return from_json_value(column, value)

        return text
    if isinstance(kind, Boolean):

        def boolean(value: Any) -> Any:
            if type(value) is bool:
                return value
            if value is None and null_ok:
                return None
            return from_json_value(column, value)

        return boolean

    if isinstance(kind, Integer):
        low, high = _int_bounds(kind)

        def whole(value: Any) -> Any:
            if type(value) is int and low <= value <= high:
                return value
            if value is None and null_ok:
                return None
            return from_json_value(column, value)

        return whole
    if isinstance(kind, UTCDateTime):

        def moment(value: Any) -> Any:
            if type(value) is str and len(value) <= 40:
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:
                    pass
                else:
                    # A time without an offset is UTC (every laptop writes UTC).
                    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
            if value is None and null_ok:
                return None
            return from_json_value(column, value)

        return moment
    if isinstance(kind, JSON):
        name = (
            f"{column.table.name}.{column.name}"
            if getattr(column, "table", None) is not None
            else column.name
        )

        def json_value(value: Any) -> Any:
            check_json_value(name, value)  # JSON null is a value (as ``from_json_value``)
            return value

        return json_value

    def other(value: Any) -> Any:
        if value is None and null_ok:
            return None
        return from_json_value(column, value)

    return other
