"""The strict wire decoder, as a property over every column of every synced table: a value of the
column's kind round-trips exactly; anything else is refused with WireTypeError naming the column,
never coerced ("no" is not False, 1.9 is not 1, false is not 0)."""

import math
from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import JSON, Boolean, Date, Integer, String

from ehdesk.models import synced_models
from ehdesk.models.types import UTCDateTime
from ehdesk.models.wire import INT32_MAX, WireTypeError, from_json_value, to_json_value

COLUMNS = [column for model in synced_models() for column in model.__table__.columns]
KINDS = (UTCDateTime, Date, Boolean, Integer, String, JSON)


def test_every_synced_column_is_of_a_kind_the_decoder_knows():
    assert all(isinstance(c.type, KINDS) for c in COLUMNS), [
        f"{c.table.name}.{c.name}" for c in COLUMNS if not isinstance(c.type, KINDS)
    ]


text = st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=40)
json_leaf = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | text
)
json_value = st.recursive(
    json_leaf,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


def good_value(column):
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return st.datetimes(
            min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
        )
    if isinstance(kind, Date):
        return st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 1, 1))
    if isinstance(kind, Boolean):
        return st.booleans()
    if isinstance(kind, Integer):
        return st.integers(-(2**31), INT32_MAX)
    if isinstance(kind, String):
        return st.text(
            alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
            max_size=min(kind.length or 60, 60),
        )
    return json_value


# Values of the wrong kind for each column kind (a JSON value a laptop, or an attacker, could send).
WRONG = {
    Boolean: st.sampled_from(["no", "false", "true", 0, 1, None.__class__.__name__, 0.0, [], {}]),
    Integer: st.sampled_from([1.9, False, True, "3", 2**31, -(2**31) - 1, 2**63, [], {}]),
    Date: st.sampled_from(["not a date", "2026-02-30", 20260101, True, "2026-01-01T00:00:00"]),
    UTCDateTime: st.sampled_from(["yesterday", 1700000000, False, "2026-13-01T00:00:00"]),
    String: st.sampled_from([1, 1.5, True, ["a"], {"a": 1}, "a\x00b"]),
    JSON: st.sampled_from(["a\x00b", {"k": "\x00"}, ["\x00"], float("nan"), {"\x00": 1}]),
}


def _kind(column):
    return next(k for k in KINDS if isinstance(column.type, k))


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_a_value_of_the_columns_kind_round_trips(data):
    column = data.draw(st.sampled_from(COLUMNS))
    value = data.draw(good_value(column))
    wire = to_json_value(value)
    decoded = from_json_value(column, wire)
    if isinstance(value, float) and math.isnan(value):
        return
    assert decoded == value
    assert to_json_value(decoded) == wire


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(data=st.data())
def test_a_value_of_another_kind_is_refused_naming_the_column(data):
    column = data.draw(st.sampled_from(COLUMNS))
    wrong = data.draw(WRONG[_kind(column)])
    if isinstance(column.type, String) and isinstance(wrong, str) and "\x00" not in wrong:
        return
    with pytest.raises(WireTypeError) as refused:
        from_json_value(column, wrong)
    assert f"{column.table.name}.{column.name}" in str(refused.value)


@pytest.mark.parametrize("value", ["no", "false", "0", 0, 1])
def test_deleted_is_only_ever_a_json_boolean(value):
    from ehdesk.models import Family

    with pytest.raises(WireTypeError, match="family.deleted must be true or false"):
        from_json_value(Family.__table__.c.deleted, value)


def test_text_longer_than_its_column_is_refused():
    from ehdesk.models import Family

    column = Family.__table__.c.reference
    with pytest.raises(WireTypeError, match="at most"):
        from_json_value(column, "x" * (column.type.length + 1))


def test_an_empty_value_for_a_required_column_is_refused():
    from ehdesk.models import Family

    with pytest.raises(WireTypeError, match="family.deleted must be given"):
        from_json_value(Family.__table__.c.deleted, None)
