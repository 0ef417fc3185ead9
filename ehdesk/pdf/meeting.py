"""One TAF meeting record, with the plan as it was agreed at that meeting (the frozen version,
never the live plan, which may have changed since)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit, meetings, plans
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.plans import STATUS_LABELS
from ehdesk.config.pack import current_pack
from ehdesk.errors import NotFound
from ehdesk.models import Family
from ehdesk.models.plan import PlanVersion
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer
from ehdesk.pdf.plan import _d, content_hash, meeting_story, rag_words


def version_story(version: PlanVersion) -> list:
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
                    [70, 40, 25, 22, 17],
                )
            )
        else:
            story.append(para("No actions agreed.", "small"))
    if version.changes:
        story.append(heading("What changed since the last meeting", 3))
        story += [para(f"• {line}") for line in version.changes]
    return story


def render_meeting(session: Session, meeting_id: str) -> tuple[bytes, DocumentInfo]:
    m = meetings.get_meeting(session, meeting_id)
    if not m.completed:
        raise NotFound("This meeting record is not complete yet, so it can't be printed as agreed.")
    family = session.get(Family, m.family_id)
    version = session.scalars(
        select(PlanVersion).where(PlanVersion.meeting_id == m.id, PlanVersion.deleted.is_(False)).limit(1)
    ).first()
    plan = plans.get_plan(session, m.episode_id, today=m.held_on)
    content = {
        "meeting": m.id,
        "version": version.version if version else None,
        "snapshot": version.snapshot if version else [],
    }
    info = DocumentInfo(
        title=m.kind_label,
        council_name=current_pack().council_name,
        document_id=f"TAFM-{m.id[:8].upper()}",
        subtitle=f"{family.household_name} · {family.reference} · {_d(m.held_on)}",
        content_hash=content_hash(content),
    )
    story = meeting_story(m, plan)
    if version is not None:
        story += [spacer(4), *version_story(version)]
    else:
        story.append(para("This meeting did not agree a version of the plan.", "small"))
    audit.record(session, "print", "taf_meeting", m.id, m.family_id, document=info.document_id)
    return build_pdf(info, story), info


def render_latest(session: Session, family_id: str) -> tuple[bytes, DocumentInfo]:
    """The family's latest completed meeting, with the plan agreed at it."""
    episode = current_episode(session, family_id)
    if episode is None:
        raise NotFound("This family has no case, so there is no meeting to print.")
    latest = meetings.latest_completed(session, episode.id)
    if latest is None:
        raise NotFound("No TAF meeting has been completed yet.")
    return render_meeting(session, latest.id)
