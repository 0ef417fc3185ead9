"""Reads a bulk unit of work answers from the rows it made itself, without flushing or querying.

In a demo batch the casework operations read, again and again, the records of the families the
batch has just made: a case's meetings, an agreement's signatures, the positions taken in a plan.
Each such read had to flush the session first (the rows it asks for were not written yet): twelve
flushes a family, and a flush and a query cost far more than the rows they moved.

Such a read can be answered exactly from memory. Ids are unique across every table and partly
random (``models.types.new_id``), so a row that refers to a row made in this transaction (``Meeting.episode_id == <an episode made in
it>``) can only have been made in it too, by this session: nothing else ever saw that id (a bulk unit
of work is one session on one thread, and opens no other session to write). So a
plain SELECT of one table whose WHERE pins a column to the id of a row made in this transaction
matches only rows this session holds, and SQLAlchemy's own evaluator (the one it uses for
``synchronize_session="evaluate"``) tells which, from their current values, as SQLite would after
a flush. Rows are then ordered and limited as the statement says (ties in the order they were
made, as SQLite's rowid order gives them).

"Made in this transaction" means added to the session with an id ``new_id`` made on this thread
since the unit of work began (``models.types.collect_new_ids``): a row given an older id (the
worker's own user row) never counts, whatever refers to it. Held to, besides: a row's reference to
its parent is set when it is made and never changed (checked when the unit of work ends:
``check``). Rows that existed before the transaction and were changed in it to refer to a new row
are found among the session's changed rows. Tables written other than as ORM rows (audit events
and outbox entries held back by ``pending_writes``, any INSERT, UPDATE or DELETE statement run in
the session) are always read from the database, as is anything but a plain SELECT of one table
(joins, aggregates, text, options, locks)."""

from __future__ import annotations

import operator
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.engine import IteratorResult
from sqlalchemy.engine.result import SimpleResultMetaData
from sqlalchemy.exc import CompileError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.evaluator import _EXPIRED_OBJECT, UnevaluatableError, _EvaluatorCompiler
from sqlalchemy.sql import Select, operators
from sqlalchemy.sql.elements import BinaryExpression, BindParameter, BooleanClauseList, UnaryExpression

from ehdesk.models.types import collect_new_ids

KEY = "ehdesk.born_reads"  # session.info, while a bulk unit of work is open
# Written other than as ORM rows in a bulk unit of work (``models.pending_writes``).
_HELD_BACK = frozenset({"audit_event", "outbox"})
NOT_ANSWERED = object()

# The parameters of the statement being answered, per thread: a statement's test is compiled once
# and shared, and reads them from here.
_current = threading.local()


class _Params(_EvaluatorCompiler):
    """The evaluator, with every bound value read at each call from ``_current.values``: one
    compiled test serves every statement of the same shape (SQLAlchemy's cache key), whatever
    values each binds. ``positions``: each bound parameter's place in the cache key's list."""

    def __init__(self, target_cls, positions: dict[int, int]) -> None:
        super().__init__(target_cls)
        self._positions = positions

    def _like_sqlite_would_not(self, *_args):
        # SQLite's LIKE ignores the case of ASCII letters; Python's startswith does not.
        raise UnevaluatableError("text matching is left to the database")

    visit_startswith_op_binary_op = _like_sqlite_would_not
    visit_endswith_op_binary_op = _like_sqlite_would_not
    visit_concat_op_binary_op = _like_sqlite_would_not
    visit_custom_op_binary_op = _like_sqlite_would_not

    def visit_column(self, clause):
        # SQLAlchemy's own column getter looks each row's state up through ``inspect`` at every
        # call: a tenth of the demo's reads answered from memory. The same value, read from the
        # state the row carries; a value not in memory still goes through SQLAlchemy's getter
        # (which tells an expired value from one never set).
        slow = super().visit_column(clause)  # makes SQLAlchemy's checks, raising as it would
        key = clause._annotations["parentmapper"]._columntoproperty[clause].key

        def value(row):
            if row is None:
                return slow(row)
            values = row._sa_instance_state.dict
            return values[key] if key in values else slow(row)

        return value

    def visit_bindparam(self, clause):
        position = self._positions.get(id(clause))
        if position is None:
            raise UnevaluatableError("a value that is not one of the statement's parameters")
        return lambda _obj: _current.values[position]


@dataclass
class _Shape:
    """What statements of one shape ask, worked out once."""

    model: type
    table: str
    attributes: list[str] | None  # None: the rows themselves; else these attributes' values
    names: list[str]  # the result's column names
    pins: list[tuple[str, int, bool]]  # (attribute pinned, the position of its value, by IN)
    test: Any  # the WHERE as a function of a row (reads the values from ``_current``)
    order: list[tuple[str, bool]]  # (attribute, descending)


_NOT_ANSWERABLE = object()


def _shape_of(statement: Select, bindparams: Sequence[BindParameter]) -> _Shape | object:
    if (
        statement._with_options
        or statement._compile_state_funcs
        or statement._for_update_arg is not None
        or statement._group_by_clauses
        or statement._having_criteria
        or statement._distinct
        or statement._setup_joins
        or statement._from_obj
    ):
        return _NOT_ANSWERABLE
    descriptions = statement.column_descriptions
    model = descriptions[0].get("entity")
    if model is None or any(d.get("entity") is not model for d in descriptions):
        return _NOT_ANSWERABLE
    mapper = inspect(model)
    if mapper.local_table.name in _HELD_BACK:
        return _NOT_ANSWERABLE
    attributes: list[str] | None = None
    if len(descriptions) > 1 or descriptions[0].get("expr") is not model:
        attributes = []
        for description in descriptions:
            expr = description.get("expr")
            prop = getattr(expr, "property", None)
            if (
                prop is None
                or getattr(expr, "class_", None) is not model
                or prop.key not in mapper.column_attrs
            ):
                return _NOT_ANSWERABLE
            attributes.append(prop.key)
    names = [d["name"] for d in descriptions]
    where = statement.whereclause
    if where is None:
        return _NOT_ANSWERABLE
    positions = {id(b): i for i, b in enumerate(bindparams)}
    pins = []
    terms = (
        where.clauses
        if isinstance(where, BooleanClauseList) and where.operator is operators.and_
        else [where]
    )
    for term in terms:
        if (
            isinstance(term, BinaryExpression)
            and term.operator in (operators.eq, operators.in_op)
            and id(term.right) in positions
            and getattr(term.left, "table", None) is mapper.local_table
            and isinstance(term.left.type, String)  # ids: a JSON value would not index
        ):
            column_attr = mapper.get_property_by_column(mapper.columns[term.left.key]).key
            pins.append((column_attr, positions[id(term.right)], term.operator is operators.in_op))
    if not pins:
        return _NOT_ANSWERABLE
    order = []
    for clause in statement._order_by_clauses:
        descending = False
        if isinstance(clause, UnaryExpression) and clause.modifier in (operators.desc_op, operators.asc_op):
            descending = clause.modifier is operators.desc_op
            clause = clause.element
        if getattr(clause, "table", None) is not mapper.local_table:
            return _NOT_ANSWERABLE
        order.append((mapper.get_property_by_column(mapper.columns[clause.key]).key, descending))
    try:
        test = _Params(model, positions).process(where)
    except UnevaluatableError:
        return _NOT_ANSWERABLE
    return _Shape(model, mapper.local_table.name, attributes, names, pins, test, order)


# SQLAlchemy's cache key of a statement -> its shape (or _NOT_ANSWERABLE).
_SHAPES: dict[Any, _Shape | object] = {}


@dataclass
class BornRows:
    """The rows made in one unit of work, by table, and the ids of all of them."""

    made: set[str] = field(default_factory=set)  # every id made on this thread since it began
    ids: set[str] = field(default_factory=set)  # of those, the ids of rows added to the session
    rows: dict[type, list[Any]] = field(default_factory=dict)
    written_outside: set[str] = field(default_factory=set)  # tables changed by statements
    # (model, attribute) -> {value: rows made with that value}, and how many of ``rows`` it holds.
    _index: dict[tuple[type, str], tuple[dict[Any, list[Any]], list[int]]] = field(default_factory=dict)
    answered: int = 0

    def add(self, row: Any) -> None:
        row_id = getattr(row, "id", None)
        if isinstance(row_id, str) and row_id in self.made:
            self.ids.add(row_id)
        self.rows.setdefault(type(row), []).append(row)

    def _matching(self, model: type, attribute: str, value: Any) -> list[Any]:
        made = self.rows.get(model, ())
        index, counted = self._index.setdefault((model, attribute), ({}, [0]))
        if counted[0] < len(made):
            get = operator.attrgetter(attribute)
            for row in made[counted[0] :]:
                index.setdefault(get(row), []).append(row)
            counted[0] = len(made)
        return index.get(value, [])

    def answer(
        self, session: Session, statement: Select, params: dict[str, Any] | None
    ) -> tuple[list[str], list[tuple]] | None:
        """The statement's column names and rows, or None when it must go to the database."""
        cache_key = statement._generate_cache_key()
        if cache_key is None:
            return None
        shape = _SHAPES.get(cache_key.key)
        if shape is None:
            if len(_SHAPES) > 10_000:  # shapes are few; never let a pathological caller grow it
                _SHAPES.clear()
            shape = _SHAPES[cache_key.key] = _shape_of(statement, cache_key.bindparams)
        if shape is _NOT_ANSWERABLE:
            return None
        assert isinstance(shape, _Shape)
        if shape.table in self.written_outside:
            return None
        try:
            limit, offset = statement._limit, statement._offset or 0
        except CompileError:  # a limit that is an expression, not a number
            return None
        params = params or {}
        try:
            values = [params[b.key] if b.key in params else b.effective_value for b in cache_key.bindparams]
        except KeyError:
            return None
        candidates = None
        for attribute, position, among in shape.pins:
            wanted = values[position] if among else [values[position]]
            if wanted and all(isinstance(v, str) and v in self.ids for v in wanted):
                candidates = [  # each value once: IN (a, a) matches a row once
                    row
                    for value in dict.fromkeys(wanted)
                    for row in self._matching(shape.model, attribute, value)
                ]
                break
        if candidates is None:
            return None
        # Rows from before the transaction, changed in it to refer to the new row.
        seen = {id(row) for row in candidates}
        for state in session.identity_map._modified:
            row = state.obj()
            if type(row) is shape.model and id(row) not in seen:
                candidates.append(row)
        test = shape.test
        found = []
        _current.values = values
        try:
            for row in candidates:
                state = instance_state(row)
                # Only rows that are, or will be at the next flush, in the database.
                if state.pending or state.persistent:
                    matched = test(row)
                    if matched is _EXPIRED_OBJECT:  # a value not in memory: ask the database
                        return None
                    if matched is True:
                        found.append(row)
        finally:
            _current.values = None
        for attribute, descending in reversed(shape.order):
            found.sort(key=_sqlite_order(attribute), reverse=descending)
        if offset or limit is not None:
            found = found[offset : None if limit is None else offset + limit]
        self.answered += 1
        if shape.attributes is None:
            return shape.names, [(row,) for row in found]
        get = operator.attrgetter(*shape.attributes)
        if len(shape.attributes) == 1:
            return shape.names, [(get(row),) for row in found]
        return shape.names, [get(row) for row in found]

    def check(self) -> None:
        """Every row is still under the value it was indexed by: a row's reference to its parent
        never changes after it is made. A casework operation that broke this would have been given
        wrong answers, so it fails loudly here rather than writing a story nobody told."""
        for (model, attribute), (index, _) in self._index.items():
            for value, rows in index.items():
                for row in rows:
                    if getattr(row, attribute) != value:
                        raise RuntimeError(
                            f"{model.__name__}.{attribute} changed after the row was made: "
                            "reads answered from memory (store.born_reads) would be wrong."
                        )


def _sqlite_order(attribute: str):
    """The sort key of ``attribute`` as SQLite orders it: None first going up, last going down."""

    def key(row: Any) -> tuple[bool, Any]:
        value = getattr(row, attribute)
        return (value is not None, value)

    return key


def of(session: Session) -> BornRows | None:
    return session.info.get(KEY)


def begin(session: Session) -> BornRows:
    born = BornRows()
    session.info[KEY] = born
    collect_new_ids(born.made)
    return born


def end(session: Session, *, completed: bool) -> None:
    """``completed``: the unit of work ended without an error (then its rows are checked)."""
    collect_new_ids(None)
    born = session.info.pop(KEY, None)
    if born is not None and completed:
        born.check()


def transaction_ended(session: Session, committed: bool) -> None:
    """After a commit other sessions see these rows and may refer to them, and after a rollback
    they are gone: from now on only rows made in the next transaction count as made here."""
    born = session.info.get(KEY)
    if born is not None:
        if committed:
            born.check()
        born.made.clear()
        born.ids.clear()
        born.rows.clear()
        born._index.clear()
        born.written_outside.clear()


def added(session: Session, row: Any) -> None:
    born = session.info.get(KEY)
    if born is not None:
        born.add(row)


def result(session: Session, statement, params, scalar: bool):
    """The answer as ``Session._execute_internal`` gives it, or ``NOT_ANSWERED``: then the
    statement is executed."""
    born = session.info.get(KEY)
    if born is None:
        return NOT_ANSWERED
    if type(statement) is not Select:
        if getattr(statement, "is_dml", False):
            born.written_outside.add(statement.table.name)
        return NOT_ANSWERED
    if not isinstance(params, dict | None):
        return NOT_ANSWERED
    answer = born.answer(session, statement, params)
    if answer is None:
        return NOT_ANSWERED
    names, rows = answer
    if scalar:
        return rows[0][0] if rows else None
    return IteratorResult(SimpleResultMetaData(names), iter(rows))
