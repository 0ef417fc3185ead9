"""Turning column values into JSON and back, the same way for the outbox, the sync protocol and
the subject-access export."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Integer
from sqlalchemy.orm import Mapper

from ehdesk.models.types import UTCDateTime


def to_json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json_value(column, value: Any) -> Any:
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, Integer):
        return int(value)
    return value


def column_names(mapper: Mapper) -> list[str]:
    return [attr.key for attr in mapper.column_attrs]


def row_to_dict(obj, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    mapper = obj.__mapper__
    return {key: to_json_value(getattr(obj, key)) for key in column_names(mapper) if key not in exclude}


def dict_to_columns(model: type, data: dict[str, Any]) -> dict[str, Any]:
    """Decode a JSON dict for ``model``, ignoring keys the model does not have (a newer peer)."""
    columns = model.__mapper__.columns
    out = {}
    for key, value in data.items():
        if key in columns:
            out[key] = from_json_value(columns[key], value)
    return out
