"""An assessment (or any filled form) as a PDF, laid out from the definition version it was
filled against, with the shown questions only and each repeated section per family member."""

from __future__ import annotations

import hashlib
import json

from reportlab.platypus import KeepTogether, Paragraph

from ehdesk.casework.document_views import AssessmentDocument
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.forms.engine import FormEngine, Item
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer
from ehdesk.pdf.ecomap import ecomap_story


def _date(value) -> str:
    return show_date(value) if value else ""


def _section_story(engine: FormEngine, items: list[Item], answers: dict) -> list:
    story = []
    rows: list[tuple[str, str]] = []
    member = object()

    def flush():
        if rows:
            story.append(field_table(list(rows), label_width_mm=62))
            rows.clear()

    for item in items:
        if item.member is not member:
            flush()
            member = item.member
            if member is not None:
                story.append(heading(member.name, 3))
        if not item.question.answerable:
            flush()
            story.append(para(item.question.label))
            continue
        rows.append(
            (item.question.label, engine.display(item.question, answers.get(item.key)) or "Not answered")
        )
    flush()
    return story


def _keep_headings_with_next(story: list) -> list:
    """A heading never ends a page on its own: it travels with what follows it."""
    out: list = []
    pending: list = []
    for flowable in story:
        is_heading = isinstance(flowable, Paragraph) and flowable.style.name in ("h2", "h3")
        pending.append(flowable)
        if not is_heading:
            out.append(KeepTogether(pending) if len(pending) > 1 else flowable)
            pending = []
    return out + pending


def render(doc: AssessmentDocument) -> tuple[bytes, DocumentInfo]:
    view, engine = doc.assessment, doc.engine
    definition = engine.definition
    ref, household = doc.family_reference, doc.household_name
    pack = current_pack()
    content = json.dumps(
        {"form": [view.form_id, view.form_version], "status": view.status, "answers": view.answers},
        sort_keys=True,
        ensure_ascii=False,
    )
    info = DocumentInfo(
        title=definition.title,
        council_name=pack.council_name,
        document_id=f"{ref or 'EH'}-{view.id[:8].upper()}",
        subtitle=f"{household} family · {ref}",
        content_hash=hashlib.sha256(content.encode("utf-8")).hexdigest(),
    )
    story = [
        field_table(
            [
                ("Family", f"{household} ({ref})" if ref else ""),
                ("Family members", ", ".join(m.name for m in view.members) or "None recorded"),
                ("Status", view.status_label),
                ("Started", _date(view.started_on)),
                ("Completed", _date(view.completed_on) or "Not yet"),
                ("Recorded by", view.assessor_name),
                (
                    "Manager sign-off",
                    f"{view.signed_off_by}, {_date(view.signed_off_on)}" if view.signed_off_by else "Not yet",
                ),
                ("Form", f"{definition.title} (version {definition.version})"),
            ]
        )
    ]
    shown, _ = engine.walk(view.answers)
    for section in definition.sections:
        items = [i for i in shown if i.section.id == section.id]
        if not items:
            continue
        story.append(heading(section.title, 2))
        story.extend(_section_story(engine, items, view.answers))
    story = _keep_headings_with_next(story)
    if view.reopen_history:
        story += [spacer(), heading("Reopened", 2)]
        story.append(
            grid_table(
                ["Date", "By", "Was", "Reason"],
                [
                    [h.get("on", ""), h.get("by", ""), h.get("from_status", ""), h.get("reason", "")]
                    for h in view.reopen_history
                ],
                [28, 40, 28, None],
            )
        )
    story += ecomap_story(doc.ecomap)  # the network, drawn (issue 16)
    return build_pdf(info, story), info
