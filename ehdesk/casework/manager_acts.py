"""Which changes to the record are a manager's decision, read from the change itself: the rows and
fields the casework operations write only after ``require_manager`` (or its like) let them.

The operations refuse these acts to anyone but a manager or an admin on the laptop. The server
asks this table of every change a laptop pushes (``server/push.py``), so a laptop altered to skip
those checks, or a request typed by hand with a practitioner's token, cannot make the record claim
a manager's decision no manager made: a TAF that counts although it was not quorate, a case closed
with items missing, an extension, a threshold decision, a supervision, an audit or an allocation.

A decision is *made* when a field is given a value it did not have (not when it is cleared: a
meeting completed again without an override clears its override, as any worker may). A manager's
allocation is its ``allocation`` record; the case's own "allocated to" fields are not here, as a
worker records them on the case form too."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Records only a manager makes or deletes, with the fields anyone on the case may change later
# (the follow-up actions, marked done by whoever did them).
MANAGER_RECORDS: dict[str, tuple[str, frozenset[str]]] = {
    "supervision": ("record case supervision", frozenset({"actions"})),
    "case_audit": ("audit a case", frozenset({"actions"})),
    "team_move_request": ("ask for a family to move to another team", frozenset()),
    # The allocation history, with its handover note (``allocation.allocate_episode``).
    "allocation": ("allocate or reallocate a case", frozenset()),
}

# Fields only a manager's decision fills, by record, with the act in the words the operations use.
MANAGER_FIELDS: dict[str, tuple[tuple[frozenset[str], str], ...]] = {
    "taf_meeting": (
        (
            frozenset({"override_by", "override_reason", "override_missing"}),
            "complete a meeting record that breaks these rules",
        ),
    ),
    "episode_closure": (
        (frozenset({"override_by", "override_reason"}), "close a case while items are missing"),
        (frozenset({"reopened_on", "reopened_by", "reopen_reason"}), "reopen a closed case"),
    ),
    "episode": (
        (
            frozenset(
                {
                    "extension_signed_off_by",
                    "extension_signed_off_on",
                    "extension_reason",
                    "extension_close_by",
                }
            ),
            "sign off a case staying open past the limit",
        ),
        (frozenset({"threshold_decision"}), "decide whether this family steps up or stays with early help"),
    ),
}


def manager_act(
    entity: str, op: str, values: dict[str, Any], current: Callable[[str], Any] | None
) -> str | None:
    """The manager's act a change to a row of ``entity`` makes, in the words "Only a manager can
    …" takes, or None. ``values``: the fields the change sets; ``current``: the row's stored value
    of a field, or None for a row that does not exist yet."""
    record = MANAGER_RECORDS.get(entity)
    if record is not None:
        act, anyone_may_change = record
        if current is None or op == "delete" or values.get("deleted") is True:
            return act
        if any(
            name not in anyone_may_change and name != "deleted" and value != current(name)
            for name, value in values.items()
        ):
            return act
        return None
    for names, act in MANAGER_FIELDS.get(entity, ()):
        for name in names & values.keys():
            value = values[name]
            if value and (current is None or value != current(name)):
                return act
    if (
        entity == "episode"
        and current is not None
        and values.get("status") == "open"
        and current("status") == "closed"
    ):
        return "reopen a closed case"
    return None
