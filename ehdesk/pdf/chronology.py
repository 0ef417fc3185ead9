"""The family's chronology on paper: every entry in date order (or those about one child), with
who recorded it. Social care asks for one at every step-up."""

from __future__ import annotations

import hashlib
import json

from ehdesk.casework.document_views import ChronologyDocument
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer


def render(doc: ChronologyDocument) -> tuple[bytes, DocumentInfo]:
    entries = doc.entries
    pack = current_pack()
    scope = f"About {doc.child_name} (and the whole family)" if doc.child_name else "The whole family"
    story: list = [
        field_table(
            [
                ("Family", f"{doc.household_name} ({doc.family_reference})"),
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
                [30, 52, 64, 28],  # a date column narrower than "30 September" splits the month
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
        subtitle=f"{doc.household_name} · {doc.family_reference} · {scope}",
        content_hash=digest,
    )
    return build_pdf(info, story), info
