"""Making a family's documents: casework assembles the view (``casework.document_builders``), a pdf
module lays it out (view in, bytes out), and casework audits that it was made
(``casework.documents``, where issuing is audited too). This is the one
place the two meet, so casework never imports the pdf package and pdf never sees a session.

``render_latest(kind, session, family_id)`` is the one way the CLI and the desktop make the latest
document of a kind. Each kind's pdf module is imported only when that document is made (reportlab
and the fonts are slow to load), by a plain import statement that linters and PyInstaller see.
Recording a PDF as issued (``casework.documents.record_issued``) stays with the caller, which
knows the channel (print, save, cli)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ehdesk.casework import agreements
from ehdesk.casework import document_builders as build
from ehdesk.casework.agreements import AgreementView
from ehdesk.casework.documents import record_printed
from ehdesk.forms.loader import FormLibrary

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


def _agreement_pdf(view: AgreementView, images: dict[str, bytes]) -> bytes:
    from ehdesk.pdf.agreement import agreement_pdf

    return agreement_pdf(view, images)


def sign_and_freeze(session: Session, agreement_id: str, today: date | None = None) -> AgreementView:
    """Sign the draft and freeze it with its office-copy PDF (``casework.agreements``)."""
    return agreements.sign_and_freeze(session, agreement_id, today, render=_agreement_pdf)


def signed_pdf(session: Session, family_id: str) -> tuple[bytes, AgreementView]:
    """The frozen office copy of the family's latest signed agreement, byte for byte as signed."""
    return agreements.signed_pdf(session, family_id, render=_agreement_pdf)


def agreement_office_copy(session: Session, family_id: str):
    """The family's latest signed agreement (current or last episode), exactly as signed."""
    from ehdesk.pdf.agreement import document_info

    pdf, view = signed_pdf(session, family_id)
    return pdf, document_info(view)


def agreement_family_copy(session: Session, family_id: str):
    """The family's own copy: no audit page, in the family's language where the pack has it."""
    from ehdesk.pdf.agreement import family_copy

    _, view = signed_pdf(session, family_id)
    return family_copy(build.agreement_document(session, view))


def render_plan(session: Session, family_id: str):
    from ehdesk.pdf import plan

    return _made(session, build.plan_document(session, family_id), plan.render)


def render_meeting(session: Session, meeting_id: str):
    from ehdesk.pdf import meeting

    return _made(session, build.meeting_document(session, meeting_id), meeting.render)


def render_latest_meeting(session: Session, family_id: str):
    from ehdesk.pdf import meeting

    return _made(session, build.latest_meeting_document(session, family_id), meeting.render)


def render_assessment(session: Session, assessment_id: str, library: FormLibrary | None = None):
    from ehdesk.pdf import assessment

    return _made(session, build.assessment_document(session, assessment_id, library), assessment.render)


def render_latest_assessment(session: Session, family_id: str, library: FormLibrary | None = None):
    return render_assessment(session, build.latest_assessment_id(session, family_id), library)


def render_progress(session: Session, family_id: str):
    from ehdesk.pdf import progress

    return _made(session, build.progress_document(session, family_id), progress.render)


def render_closure(session: Session, family_id: str, today: date | None = None):
    from ehdesk.pdf import closure

    return _made(session, build.closure_document(session, family_id, today), closure.render)


def render_chronology(session: Session, family_id: str, child_id: str | None = None):
    from ehdesk.pdf import chronology

    return _made(session, build.chronology_document(session, family_id, child_id), chronology.render)


def _made(session: Session, document, render):
    pdf, info = render(document)
    record_printed(session, document, info.document_id)
    return pdf, info


LATEST = {
    "agreement": agreement_office_copy,
    "agreement-family": agreement_family_copy,
    "plan": render_plan,
    "meeting": render_latest_meeting,
    "assessment": render_latest_assessment,
    "progress": render_progress,
    "closure": render_closure,
    "chronology": render_chronology,
}


def render_latest(kind: str, session: Session, family_id: str):
    """``(pdf_bytes, DocumentInfo)`` for the family's latest document of ``kind``."""
    if kind not in LATEST:
        raise ValueError(f"unknown document kind {kind!r}")
    return LATEST[kind](session, family_id)
