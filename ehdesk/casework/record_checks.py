"""Small checks shared by the team-around-the-family records (issue 16): dates that cannot be in
the future, text that must be given, lists of dated actions, and acts only a manager may do."""

from __future__ import annotations

from datetime import date

from ehdesk.config.dates import show_date
from ehdesk.errors import EhdeskError

MANAGER_ROLES = ("manager", "admin")


class ManagersOnly(EhdeskError):
    pass


def require_manager(actor_role: str, what: str) -> None:
    if actor_role not in MANAGER_ROLES:
        raise ManagersOnly(f"Only a manager can {what}.")


def check_date(
    value: date | None,
    label: str,
    errors: dict,
    field: str,
    today: date,
    *,
    required: bool = True,
    not_before: date | None = None,
    not_before_label: str = "",
) -> None:
    if value is None:
        if required:
            errors[field] = f"{label} is missing."
        return
    if value > today:
        errors[field] = f"{label} ({show_date(value)}) is in the future."
    elif not_before is not None and value < not_before:
        errors[field] = f"{label} ({show_date(value)}) is before {not_before_label}."


def text(data: dict, name: str) -> str:
    return str(data.get(name) or "").strip()


def require_text(data: dict, name: str, label: str, errors: dict, limit: int | None = None) -> str:
    value = text(data, name)
    if not value:
        errors[name] = f"{label} is missing."
    elif limit is not None and len(value) > limit:
        errors[name] = f"{label} is too long (at most {limit} characters)."
    return value


def clean_actions(actions: list[dict] | None, errors: dict, field: str = "actions") -> list[dict]:
    """Actions agreed by a manager: what, and by when (a due date is what puts it on the worker's
    caseload). Blank rows are dropped; a row with words but no date is an error."""
    clean = []
    for a in actions or []:
        what = str(a.get("what") or "").strip()
        due = a.get("due_on")
        if not what and not due:
            continue
        if isinstance(due, str) and due:
            try:
                due = date.fromisoformat(due)
            except ValueError:
                errors[field] = f"The due date of \u201c{what[:40]}\u201d is not a date."
                continue
        if not what:
            errors[field] = "Each action needs to say what is to be done."
            continue
        if due is None or due == "":
            errors[field] = f"The action \u201c{what[:40]}\u201d needs a date it is due by."
            continue
        done = a.get("done_on") or ""
        if isinstance(done, date):
            done = done.isoformat()
        clean.append({"what": what, "due_on": due.isoformat(), "done_on": done})
    return clean


def open_action_dates(actions: list[dict]) -> list[date]:
    return [
        date.fromisoformat(a["due_on"]) for a in actions or [] if a.get("due_on") and not a.get("done_on")
    ]


def mark_action_done(actions: list[dict], index: int, done_on: date) -> list[dict]:
    if not 0 <= index < len(actions or []):
        raise EhdeskError("That action is no longer in the record.")
    updated = [dict(a) for a in actions]
    updated[index]["done_on"] = done_on.isoformat()
    return updated
