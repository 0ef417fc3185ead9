"""The signed early help agreement as a PDF: the agreed words, one signature block per signer
(the drawn signature, or the note that consent was given verbally and why), and an audit page
saying who signed, when and on which device.

``agreement_pdf`` lays out a frozen agreement; it is called once, at signing, and the bytes are
kept. ``render_latest`` hands back those kept bytes, so every copy is byte-for-byte the one on
record and ``ehdesk pdf verify`` can say so."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ehdesk.casework.agreements import AgreementView, signed_pdf
from ehdesk.config.pack import current_pack
from ehdesk.pdf.blocks import (
    DocumentInfo,
    audit_page,
    build_pdf,
    bullet_list,
    field_table,
    heading,
    para,
    signature_block,
    spacer,
)

KIND = "agreement"


def document_info(view: AgreementView) -> DocumentInfo:
    return DocumentInfo(
        title=view.content.get("title") or "Early help agreement",
        council_name=current_pack().council_name,
        document_id=f"AGR-{view.family_reference}-v{view.version_number}",
        subtitle=f"Family {view.family_reference} · version {view.version_number}",
        content_hash=view.content_hash,
    )


def _when(dt) -> str:
    return dt.strftime("%-d %B %Y, %H:%M UTC")


def agreement_pdf(view: AgreementView, images: dict[str, bytes]) -> bytes:
    content = view.content
    story = [
        field_table(
            [
                ("Family", view.family_name),
                ("Family members", ", ".join(view.member_names)),
                ("Family worker", view.worker_name),
                ("Review date", view.review_date.strftime("%-d %B %Y") if view.review_date else ""),
                ("Signed on", view.signed_on.strftime("%-d %B %Y") if view.signed_on else "Not yet signed"),
            ]
        ),
        spacer(3),
        para(content["intro"]),
    ]
    for section in content["sections"]:
        story.append(heading(section["heading"]))
        story.extend(para(p) for p in section["paragraphs"])
        if section["bullets"]:
            story.append(bullet_list(section["bullets"]))
    story += [heading("Signatures"), para(content["declaration"]), spacer(4)]
    for s in view.signatures:
        story.append(
            signature_block(
                s.signer_name,
                s.role_label,
                f"Signed {_when(s.signed_at)}" if s.image_sha256 else f"Recorded {_when(s.signed_at)}",
                images.get(s.image_sha256) if s.image_sha256 else None,
                s.verbal_reason,
            )
        )
    story.append(
        para("A copy of this agreement is given to the family and kept on the family's record.", "small")
    )
    story += audit_page(
        [
            (
                s.signer_name,
                s.role_label,
                "Drawn signature" if s.image_sha256 else f"Consent given verbally: {s.verbal_reason}",
                _when(s.signed_at),
                s.device,
            )
            for s in view.signatures
        ],
        [
            ("Agreement id", view.id),
            ("Version", str(view.version_number)),
            ("Template", f"{view.template_id} v{view.template_version}"),
            ("Content SHA-256", view.content_hash),
        ],
    )
    return build_pdf(document_info(view), story)


def render_latest(session: Session, family_id: str) -> tuple[bytes, DocumentInfo]:
    """The family's latest signed agreement (current or last episode), exactly as signed."""
    pdf, view = signed_pdf(session, family_id)
    return pdf, document_info(view)
