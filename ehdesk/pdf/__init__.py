"""reportlab documents: agreement, TAF plan, assessment, progress charts, closure summary.

`render_latest(kind, session, family_id)` is the one way the CLI and the desktop make the latest
document of a kind. Each kind's module is imported only when that document is made (reportlab and
the fonts are slow to load), by a plain import statement that linters and PyInstaller can see."""

from __future__ import annotations

KINDS = (
    "agreement",
    "agreement-family",
    "plan",
    "meeting",
    "assessment",
    "progress",
    "closure",
    "chronology",
)


def render_latest(kind: str, session, family_id: str):
    """``(pdf_bytes, DocumentInfo)`` for the family's latest document of ``kind``."""
    if kind == "agreement":
        from ehdesk.pdf import agreement as module
    elif kind == "agreement-family":
        # The family's own copy: no audit page, in the family's language where the pack has it.
        from ehdesk.pdf.agreement import render_family_copy

        return render_family_copy(session, family_id)
    elif kind == "meeting":
        from ehdesk.pdf import meeting as module
    elif kind == "plan":
        from ehdesk.pdf import plan as module
    elif kind == "assessment":
        from ehdesk.pdf import assessment as module
    elif kind == "progress":
        from ehdesk.pdf import progress as module
    elif kind == "closure":
        from ehdesk.pdf import closure as module
    elif kind == "chronology":
        from ehdesk.pdf import chronology as module
    else:
        raise ValueError(f"unknown document kind {kind!r}")
    return module.render_latest(session, family_id)
