"""The demo's team manager: what a manager does in the story (an override with a reason, a
sign-off) is recorded under their name, as it would be when they sign in to do it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

MANAGER = "Margaret Osei"  # the demo team's manager (demo/team.py COLLEAGUES)


@contextmanager
def as_manager(session: Session) -> Iterator[None]:
    """The operations take who acts from ``session.info["actor"]``; the manager acts inside."""
    actor = session.info.get("actor", "")
    session.info["actor"] = MANAGER
    try:
        yield
    finally:
        session.info["actor"] = actor
