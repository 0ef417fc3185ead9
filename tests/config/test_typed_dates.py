"""Dates typed in a box: read the British way, and when one cannot be read the message says what
is wrong with it, not only what the format is."""

from datetime import date

import pytest

from ehdesk.config.dates import read_typed_date, read_typed_dates
from ehdesk.errors import TypedDateError, ValidationError

HINT = "Type the date of birth as day/month/year, for example 07/03/2015."


def problem(text: str, label: str = "the date of birth") -> str:
    with pytest.raises(TypedDateError) as caught:
        read_typed_date(text, label)
    return caught.value.message


@pytest.mark.parametrize(
    "text",
    ["07/03/2015", "7/3/2015", "07-03-2015", "07.03.2015", "  07/03/2015 ", "7 / 3 / 2015", "07/3-2015"],
)
def test_what_people_commonly_type_is_the_same_day(text):
    assert read_typed_date(text, "the date of birth") == date(2015, 3, 7)


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_box_is_no_date(text):
    assert read_typed_date(text, "the date of birth") is None


def test_a_day_that_does_not_exist_says_why():
    assert problem("31/02/2020") == "31/02/2020 is not a real date: February 2020 has 29 days."
    assert problem("29/02/2021") == "29/02/2021 is not a real date: February 2021 has 28 days."
    assert problem("31/4/2020") == "31/4/2020 is not a real date: April 2020 has 30 days."
    assert problem("13/13/2020") == "13/13/2020 is not a real date: there is no month 13."
    assert problem("00/03/2020") == "00/03/2020 is not a real date: there is no day 0."
    assert problem("15/00/2020") == "15/00/2020 is not a real date: there is no month 0."
    assert problem("01/01/0000") == "01/01/0000 is not a real date: there is no year 0."
    assert read_typed_date("29/02/2020") == date(2020, 2, 29)


def test_a_two_digit_year_is_refused_not_guessed():
    # A date of birth typed 07/03/15 could be 1915 or 2015.
    assert problem("07/03/15") == "Type the date of birth with the year in full, for example 07/03/2015."


@pytest.mark.parametrize(
    "text",
    [
        "2015-03-07",
        "2015/03/07",
        "03/15/2015",
        "7 March 2015",
        "07032015",
        "07/03/215",
        "07/03/20155",
        "tomorrow",
    ],
)
def test_other_orders_and_shapes_get_the_day_month_year_hint(text):
    assert problem(text) == HINT


def test_the_error_is_a_value_error_fit_to_show():
    with pytest.raises(ValueError, match="^Type the date as day/month/year"):
        read_typed_date("2015-03-07")


def test_a_form_hears_about_every_box_at_once():
    texts = {"date_of_birth": "31/02/2020", "due_date": "2020-01-01", "other": "x"}
    labels = {"date_of_birth": "the date of birth", "due_date": "the due date"}
    with pytest.raises(ValidationError) as caught:
        read_typed_dates(texts, labels)
    assert caught.value.fields == {
        "date_of_birth": "31/02/2020 is not a real date: February 2020 has 29 days.",
        "due_date": "Type the due date as day/month/year, for example 07/03/2015.",
    }
    assert read_typed_dates({"date_of_birth": "7.3.2015"}, labels) == {
        "date_of_birth": date(2015, 3, 7),
        "due_date": None,
    }
