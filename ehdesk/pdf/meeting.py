"""One TAF meeting record, with the plan as it was agreed at that meeting (the frozen version,
never the live plan, which may have changed since)."""

from __future__ import annotations

from datetime import date

from ehdesk.casework.document_views import STATUS_LABELS, AgreedVersion, MeetingDocument
from ehdesk.config.pack import current_pack
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer
from ehdesk.pdf.plan import _d, content_hash, meeting_story, rag_words


def version_story(version: AgreedVersion) -> list:
    """The plan frozen at the meeting, from its snapshot."""
    story: list = [heading(f"The plan agreed at this meeting (version {version.version})")]
    for number, o in enumerate(version.snapshot, start=1):
        story.append(heading(f"Outcome {number}: {o['what_will_be_different']}", 3))
        story.append(
            field_table(
                [
                    ("For whom", o["for_whom"]),
                    ("How we'll know", o["how_we_will_know"]),
                    ("Need or worry", o.get("linked_need", "")),
                ]
            )
        )
        story.append(spacer(2))
        if o["actions"]:
            story.append(
                grid_table(
                    ["What will be done", "Who", "By when", "Status", "RAG"],
                    [
                        [
                            a["what"],
                            a["who"],
                            _d(date.fromisoformat(a["by_when"])) if a["by_when"] else "",
                            STATUS_LABELS.get(a["status"], a["status"]),
                            rag_words(a.get("rag", ""), a.get("rag_reason", ""), a.get("overdue", False)),
                        ]
                        for a in o["actions"]
                    ],
                    [58, 36, 30, 25, 25],  # "30 September" and "Not started" whole on a line
                )
            )
        else:
            story.append(para("No actions agreed.", "small"))
    if version.changes:
        story.append(heading("What changed since the last meeting", 3))
        story += [para(f"• {line}") for line in version.changes]
    return story


def render(doc: MeetingDocument) -> tuple[bytes, DocumentInfo]:
    m, version = doc.meeting, doc.agreed_version
    content = {
        "meeting": m.id,
        "version": version.version if version else None,
        "snapshot": version.snapshot if version else [],
    }
    info = DocumentInfo(
        title=m.kind_label,
        council_name=current_pack().council_name,
        document_id=f"TAFM-{m.id[:8].upper()}",
        subtitle=f"{doc.household_name} · {doc.family_reference} · {_d(m.held_on)}",
        content_hash=content_hash(content),
    )
    story = meeting_story(m, doc.plan)
    if version is not None:
        story += [spacer(4), *version_story(version)]
    else:
        story.append(para("This meeting did not agree a version of the plan.", "small"))
    return build_pdf(info, story), info
