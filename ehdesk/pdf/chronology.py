"""The family's chronology on paper: every entry in date order (or those about one child), with
who recorded it. Social care asks for one at every step-up."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy.orm import Session

from ehdesk.casework import audit, chronology
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.models import Family, Person
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer


def render(session: Session, family_id: str, child_id: str | None = None) -> tuple[bytes, DocumentInfo]:
    entries = chronology.build(session, family_id, child_id)
    family = session.get(Family, family_id)
    pack = current_pack()
    child = session.get(Person, child_id) if child_id else None
    scope = f"About {child.full_name} (and the whole family)" if child else "The whole family"
    story: list = [
        field_table(
            [
                ("Family", f"{family.household_name} ({family.reference})"),
                ("Covers", scope),
                ("Entries", str(len(entries))),
                (
                    "From / to",
                    f"{show_date(entries[0].on)} to {show_date(entries[-1].on)}"
                    if entries
                    else "Nothing recorded yet",
                ),
            ]
        ),
        spacer(2),
        heading("Chronology"),
    ]
    if entries:
        story.append(
            grid_table(
                ["Date", "What happened", "Details", "By"],
                [
                    [
                        f"{show_date(e.on)}",
                        f"{e.title}" + (f" ({e.children})" if e.children else ""),
                        e.detail,
                        e.by,
                    ]
                    for e in entries
                ],
                [22, 52, 72, 28],
            )
        )
    else:
        story.append(para("Nothing has been recorded for this family yet.", "small"))
    content = [[e.on.isoformat(), e.kind, e.title, e.detail, e.children, e.by] for e in entries]
    digest = hashlib.sha256(json.dumps(content, ensure_ascii=False).encode()).hexdigest()
    info = DocumentInfo(
        title="Chronology",
        council_name=pack.council_name,
        document_id=f"CHRON-{digest[:8].upper()}",
        subtitle=f"{family.household_name} · {family.reference} · {scope}",
        content_hash=digest,
    )
    audit.record(session, "print", "chronology", family_id, family_id, document=info.document_id)
    return build_pdf(info, story), info


def render_latest(session: Session, family_id: str) -> tuple[bytes, DocumentInfo]:
    """The whole family's chronology as it stands (the shape ``ehdesk pdf`` and the print widget use)."""
    return render(session, family_id)
