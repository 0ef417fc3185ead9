"""Checks on what a worker types, with messages written for the worker, not the programmer."""

from __future__ import annotations

import re
from datetime import date, timedelta

from ehdesk.config.dates import show_date

EARLIEST_BIRTH = date(1900, 1, 1)
POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def nhs_number_is_valid(text: str) -> bool:
    """The NHS number's 10th digit is a modulus-11 check on the first nine."""
    digits = re.sub(r"[\s-]", "", text)
    if not re.fullmatch(r"\d{10}", digits):
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - (total % 11)
    if check == 11:
        check = 0
    if check == 10:
        return False
    return check == int(digits[9])


def normalise_nhs_number(text: str) -> str:
    return re.sub(r"[\s-]", "", text)


def normalise_postcode(text: str) -> str:
    compact = re.sub(r"\s+", "", text.upper())
    if len(compact) > 3:
        return f"{compact[:-3]} {compact[-3:]}"
    return compact


def check_name(value: str, label: str, errors: dict, field: str, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[field] = f"{label} is missing."
    elif len(value) > 120:
        errors[field] = f"{label} is too long (at most 120 characters)."
    return value


def check_birth_date(value: date | None, today: date, errors: dict, field: str = "date_of_birth") -> None:
    if value is None:
        return
    if value > today:
        errors[field] = (
            f"The date of birth {show_date(value)} is in the future. For a baby not yet born, choose 'Unborn' and give the due date."
        )
    elif value < EARLIEST_BIRTH:
        errors[field] = f"The date of birth {show_date(value)} is too long ago to be right."


def check_due_date(value: date | None, today: date, errors: dict, field: str = "due_date") -> None:
    if value is None:
        errors[field] = "An unborn baby needs an expected due date."
    elif value > today + timedelta(days=300):
        errors[field] = f"The due date {show_date(value)} is more than ten months away."
    elif value < today - timedelta(days=60):
        errors[field] = (
            f"The due date {show_date(value)} passed more than two months ago; if the baby has been born, "
            "record the date of birth instead."
        )
