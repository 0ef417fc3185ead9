"""The TAF plan and the latest meeting record, printable for the family and the agencies: laid out
from a ``PlanDocument`` that casework assembles (no queries here)."""

from __future__ import annotations

import hashlib
import json

from ehdesk.casework.document_views import (
    CONFIDENTIALITY_STATEMENT,
    REVIEW_OUTCOME_LABELS,
    STATUS_LABELS,
    TAF_KINDS,
    MeetingView,
    PlanDocument,
    PlanView,
    override_wording,
    progress_label,
    rag_words,
)
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer


def _d(value) -> str:
    return f"{show_date(value)}" if value else ""


def content_hash(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def plan_story(plan: PlanView) -> list:
    story: list = [heading("The plan")]
    if plan.overdue_actions:
        n = len(plan.overdue_actions)
        story.append(para(f"{n} {'action is' if n == 1 else 'actions are'} overdue.", "small"))
    for number, o in enumerate(plan.outcomes, start=1):
        story.append(heading(f"Outcome {number}: {o.what_will_be_different}", 3))
        story.append(
            field_table(
                [
                    ("For whom", o.for_whom),
                    ("How we'll know", o.how_we_will_know),
                    ("Need or worry", o.linked_need),
                ]
            )
        )
        story.append(spacer(2))
        if o.actions:
            story.append(
                grid_table(
                    ["What will be done", "Who", "By when", "Status", "RAG"],
                    [
                        [
                            a.what,
                            a.who,
                            _d(a.by_when),
                            STATUS_LABELS[a.status],
                            rag_words(a.rag, a.rag_reason, a.overdue),
                        ]
                        for a in o.actions
                    ],
                    [58, 36, 30, 25, 25],  # "30 September" and "Not started" whole on a line
                )
            )
        else:
            story.append(para("No actions agreed yet.", "small"))
    return story


def meeting_story(m: MeetingView, plan: PlanView) -> list:
    story: list = [heading(f"{m.kind_label}: {_d(m.held_on)}")]
    rows = [("Place", m.place), ("Next meeting", _d(m.next_meeting_on) or "None (closure)")]
    if m.review_outcome:
        rows.insert(1, ("Review outcome", REVIEW_OUTCOME_LABELS.get(m.review_outcome, m.review_outcome)))
    story.append(field_table(rows))
    story.append(heading("Who came", 3))
    story.append(
        grid_table(
            ["Name", "Role", "Agency", "Attended", "Written update"],
            [
                [
                    a["name"],
                    a["role"],
                    a["agency"],
                    "Yes" if a["attendance"] == "attended" else "Apologies",
                    a["written_update"],
                ]
                for a in m.attendees
            ],
            [35, 30, 35, 22, 52],
        )
    )
    story.append(heading("Confidentiality", 3))
    read = (
        "It was read out at the start of the meeting."
        if m.confidentiality_read
        else "Not recorded as read out."
    )
    story.append(para(f"{CONFIDENTIALITY_STATEMENT} {read}"))
    story.append(heading("What the family said", 3))
    for u in m.family_updates:  # stored with children's voices first
        who = f"{u['name']} (child)" if u["is_child"] else u["name"]
        story.append(para(f"{who}: {u['text']}"))
    if not m.family_updates:
        story.append(para("No updates recorded.", "small"))
    story.append(heading("What practitioners said", 3))
    for u in m.practitioner_updates:
        story.append(
            para(f"{u['name']} ({u['agency']}): {u['text']}" if u["agency"] else f"{u['name']}: {u['text']}")
        )
    if not m.practitioner_updates:
        story.append(para("No updates recorded.", "small"))
    if m.outcome_reviews:
        story.append(heading("Each outcome reviewed", 3))
        names = {o.id: o.what_will_be_different for o in plan.outcomes}
        story.append(
            grid_table(
                ["Outcome", "Progress", "Note"],
                [
                    [
                        names.get(r["outcome_id"], "(an outcome since removed)"),
                        progress_label(r["progress"]),
                        r.get("note", ""),
                    ]
                    for r in m.outcome_reviews
                ],
                [70, 40, 66],
            )
        )
    if m.plan_review_notes:
        story.append(heading("The plan reviewed", 3))
        story.append(para(m.plan_review_notes))
    if m.completed and m.kind in TAF_KINDS:
        counted = "It counts as a TAF meeting." if m.counts_as_taf else "It does not count as a TAF meeting."
        story.append(para(counted, "small"))
    if m.override_reason:
        story.append(
            para(
                "This meeting was " + override_wording(m.override_by, m.override_missing, m.override_reason),
                "small",
            )
        )
    new_actions = [a for o in plan.outcomes for a in o.actions if a.agreed_at_meeting_id == m.id]
    if new_actions:
        story.append(heading("New actions agreed", 3))
        story.append(
            grid_table(["What", "Who", "By when"], [[a.what, a.who, _d(a.by_when)] for a in new_actions])
        )
    return story


def render(doc: PlanDocument) -> tuple[bytes, DocumentInfo]:
    """The family's current TAF plan with the latest completed meeting record."""
    episode, plan, meeting = doc.episode, doc.plan, doc.latest_meeting
    pack = current_pack()
    content = {
        "plan": doc.plan_snapshot,
        "meeting": meeting.id if meeting else None,
        "version": plan.latest_version,
    }
    info = DocumentInfo(
        title="Team Around the Family plan",
        council_name=pack.council_name,
        document_id=f"TAF-{episode.id[:8].upper()}-V{plan.latest_version}",
        subtitle=f"{doc.household_name} · {doc.family_reference} · for the family and the agencies working with them",
        content_hash=content_hash(content),
    )
    story: list = [
        field_table(
            [
                ("Family", doc.household_name),
                ("Case opened", _d(episode.opened_on)),
                (
                    "Lead professional",
                    ", ".join(
                        p for p in (episode.lead_professional_name, episode.lead_professional_role) if p
                    ),
                ),
                (
                    "Plan version",
                    str(plan.latest_version) if plan.latest_version else "Draft (not yet agreed at a TAF)",
                ),
                ("Case status", "Open" if episode.status == "open" else f"Closed {_d(episode.closed_on)}"),
            ]
        ),
        spacer(2),
    ]
    story += plan_story(plan)
    if meeting is not None:
        story += meeting_story(meeting, plan)
    else:
        story.append(para("No TAF meeting has been completed yet.", "small"))
    return build_pdf(info, story), info
