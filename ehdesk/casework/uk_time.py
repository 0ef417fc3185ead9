"""UK local time for what a family reads (signature times). The rule lives with the app's one
date style in ``ehdesk.config.dates``; this name stays for the callers that import it here."""

from __future__ import annotations

from datetime import datetime

from ehdesk.config.dates import show_date, uk_local

__all__ = ["uk_local", "uk_time_words"]


def uk_time_words(moment: datetime) -> str:
    """'5 December 2026, 14:05 GMT' (the date in the pack's style), as signatures are printed."""
    local, zone = uk_local(moment)
    return f"{show_date(local)}, {local:%H:%M} {zone}"
