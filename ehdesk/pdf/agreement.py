"""The signed early help agreement as a PDF: the agreed words, one signature block per signer
(the drawn signature, the note that consent was given verbally and why, or why an adult with
parental responsibility did not sign), times in UK local time, the language it was explained in,
and, in the office copy only, an audit page saying who signed, when and on which device.

``agreement_pdf`` lays out a frozen agreement; it is called once, at signing, and the bytes are
kept. ``render_latest`` hands back those kept bytes, so every copy is byte-for-byte the one on
record and ``ehdesk pdf verify`` can say so."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ehdesk.casework.agreements import AgreementView, signature_images, signed_pdf
from ehdesk.casework.uk_time import uk_time_words
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.pdf.blocks import (
    DocumentInfo,
    audit_page,
    build_pdf,
    bullet_list,
    field_table,
    heading,
    page_break,
    para,
    signature_block,
    spacer,
)

KIND = "agreement"


COPIES = {"office": "office copy", "family": "the family's copy"}


def document_info(view: AgreementView, copy: str = "office") -> DocumentInfo:
    words = view.content.get("translation") if copy == "family" else None
    return DocumentInfo(
        title=(words or view.content).get("title") or "Early help agreement",
        council_name=current_pack().council_name,
        document_id=f"AGR-{view.family_reference}-v{view.version_number}"
        + ("-F" if copy == "family" else ""),
        subtitle=f"Family {view.family_reference} · version {view.version_number} · {COPIES[copy]}",
        content_hash=view.content_hash,
    )


def _when(dt) -> str:
    return uk_time_words(dt)


def _words(content: dict) -> list:
    story = [para(content["intro"])]
    for section in content["sections"]:
        story.append(heading(section["heading"]))
        story.extend(para(p) for p in section["paragraphs"])
        if section["bullets"]:
            story.append(bullet_list(section["bullets"]))
    return story


def agreement_pdf(view: AgreementView, images: dict[str, bytes], copy: str = "office") -> bytes:
    """The office copy (kept byte for byte at signing) carries the audit page; the family's copy
    has the same words and signatures without the ids, devices and hashes."""
    content = view.content
    rows = [
        ("Family", view.family_name),
        ("Family members", ", ".join(view.member_names)),
        ("Family worker", view.worker_name),
        ("Review date", show_date(view.review_date) if view.review_date else ""),
        ("Signed on", show_date(view.signed_on) if view.signed_on else "Not yet signed"),
    ]
    if content.get("explained_in"):
        rows.append(("Explained in", content["explained_in"]))
    if view.sharing_stopped_on:
        rows.append(("Sharing stopped", f"{show_date(view.sharing_stopped_on)}: the family withdrew consent"))
    translated = content.get("translation")
    # The family's copy is in the family's language where the pack holds it.
    words = translated if copy == "family" and translated else content
    story = [field_table(rows), spacer(3), *_words(words)]
    if copy == "office" and translated:
        story += [
            page_break(),
            heading(f"The same agreement in {translated['language']}, as the family read it"),
        ]
        story += _words(translated)
    story += [heading("Signatures"), para(words["declaration"]), spacer(4)]
    for s in view.signatures:
        if s.role == "not_signed":
            story.append(
                signature_block(
                    s.signer_name,
                    "did not sign",
                    f"Why: {s.verbal_reason}. Recorded {_when(s.signed_at)}",
                    None,
                )
            )
            continue
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
    if copy == "family":
        return build_pdf(document_info(view, copy), story)
    story += audit_page(
        [
            (
                s.signer_name,
                s.role_label,
                "Drawn signature"
                if s.image_sha256
                else (
                    f"Did not sign: {s.verbal_reason}"
                    if s.role == "not_signed"
                    else f"Consent given verbally: {s.verbal_reason}"
                ),
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


def render_family_copy(session: Session, family_id: str) -> tuple[bytes, DocumentInfo]:
    """The family's copy of the latest signed agreement: the signed words and signatures, no audit
    page (the office copy on record keeps it)."""
    _, view = signed_pdf(session, family_id)
    return agreement_pdf(view, signature_images(session, view), copy="family"), document_info(view, "family")
