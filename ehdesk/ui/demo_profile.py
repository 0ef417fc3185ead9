"""The demo profile that ``ehdesk --demo`` opens: made on first use and filled with synthetic
families so a newcomer sees a living app at once. Its password is shown on the sign-in screen,
which is fine because it holds no real family's data."""

from __future__ import annotations

from collections.abc import Callable

from ehdesk.demo import generate
from ehdesk.errors import ProfileNotFound
from ehdesk.store import ProfileManager

DEMO_NAME = "Demo worker"
DEMO_PASSWORD = "demo-password"
DEMO_FAMILIES = 300


def demo_exists(manager: ProfileManager) -> bool:
    try:
        manager.find(DEMO_NAME)
    except ProfileNotFound:
        return False
    return True


def ensure_demo(manager: ProfileManager, report: Callable[[int, int], None] | None = None) -> None:
    """Runs off the UI thread; ``report(done, total)`` counts families made."""
    if demo_exists(manager):
        return
    manager.create(DEMO_NAME, DEMO_PASSWORD)
    store = manager.unlock(DEMO_NAME, DEMO_PASSWORD)
    try:
        generate(
            store,
            DEMO_FAMILIES,
            seed=1,
            progress=(lambda done: report(done, DEMO_FAMILIES)) if report else None,
        )
    finally:
        store.close()
