"""The declarative base, and the metadata that every synced row carries (DESIGN.md §4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, Boolean, Integer, MetaData, String, Table, event, inspect
from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from ehdesk.models.types import UTCDateTime, new_id, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict: JSON, list: JSON}

    if TYPE_CHECKING:
        # Every model maps one plain Table (no inheritance mapping), so Core can insert into it.
        __table__: ClassVar[Table]


class Synced:
    """Mixin for rows that travel between laptops and the server.

    ``id`` is a UUID made where the row is born, so laptops never need the server to name a row.
    ``server_revision`` is the change-log position the row was last seen at (0: never synced).
    ``client_changed_at`` is a hybrid-logical-clock stamp of the last local change.
    ``deleted`` is the tombstone: rows are never removed while they may still need to sync.
    """

    # Fields the sync engine never copies between sides: they describe the copy, not the record.
    SYNC_META_FIELDS: ClassVar[frozenset[str]] = frozenset(
        {"server_revision", "client_changed_at", "created_at", "updated_at"}
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    server_revision: Mapped[int] = mapped_column(Integer, default=0, nullable=False)
    client_changed_at: Mapped[str] = mapped_column(String(64), default="", nullable=False)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, nullable=False)


def _build_defaults(cls: type) -> list[tuple[str, Callable[[], Any]]]:
    """(attribute, value maker) for each column of ``cls`` that has a default made in Python."""
    made: list[tuple[str, Callable[[], Any]]] = []
    mapper: Mapper[Any] = inspect(cls)
    for attr in mapper.column_attrs:
        default = attr.columns[0].default
        if isinstance(default, ScalarElementColumnDefault):
            made.append((attr.key, partial(_same, default.arg)))
        elif isinstance(default, CallableColumnDefault):
            # SQLAlchemy wraps a no-argument default (new_id, utcnow, list) to take a context.
            made.append((attr.key, partial(default.arg, None)))  # type: ignore[arg-type]
    return made


def _same(value: Any) -> Any:
    return value


_DEFAULTS: dict[type, list[tuple[str, Callable[[], Any]]]] = {}


@event.listens_for(Base, "init", propagate=True)
def _defaults_when_built(row: Base, args, kwargs) -> None:
    """A row has its id and every default from the moment it is built, not from its first flush,
    as it would after that flush: a casework operation can name the row (in its audit event, in
    the next row it links) and read it back without flushing the session to get there, so a long
    unit of work (a demo batch of 50 families) writes in few, large flushes."""
    cls = type(row)
    defaults = _DEFAULTS.get(cls)
    if defaults is None:
        defaults = _DEFAULTS[cls] = _build_defaults(cls)
    for key, make in defaults:
        if key not in kwargs:
            kwargs[key] = make()


class FamilyScoped(Synced):
    """A synced row that belongs to one family. Every such table carries ``family_id`` directly
    (even when it also hangs off an episode or a plan) so that scope checks, subject-access
    export and purging a family that leaves a worker's caseload are one indexed filter.

    There are deliberately no foreign-key constraints between synced tables: rows arrive from the
    server page by page in change-log order, so a member may land before its family."""

    family_id: Mapped[str] = mapped_column(String(36), index=True, nullable=False)


def synced_models() -> list[type[Base]]:
    """Every mapped class that syncs, in dependency-friendly order (families first)."""
    mapped: list[type[Base]] = [m.class_ for m in Base.registry.mappers]
    classes = [c for c in mapped if issubclass(c, Synced)]
    return sorted(classes, key=lambda c: (c.__tablename__ != "family", c.__tablename__))


def model_for_table(table: str) -> type[Base]:
    for m in Base.registry.mappers:
        if getattr(m.class_, "__tablename__", None) == table:
            return m.class_
    raise KeyError(table)
