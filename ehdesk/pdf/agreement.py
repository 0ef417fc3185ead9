"""The signed early help agreement as a PDF: the agreed words, one signature block per signer
(the drawn signature, the note that consent was given verbally and why, or why an adult with
parental responsibility did not sign), times in UK local time, the language it was explained in,
and, in the office copy only, an audit page saying who signed, when and on which device.

``agreement_pdf`` lays out a frozen agreement; it is called once, at signing (casework is handed it
by ``ehdesk.documents``), and the bytes are kept, so every office copy is byte-for-byte the one on
record and ``ehdesk pdf verify`` can say so. ``family_copy`` lays out the family's copy afresh."""

from __future__ import annotations

from ehdesk.casework.document_views import AgreementDocument, AgreementView, uk_local, uk_time_words
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

# The words around the agreed text, in English. A translation held in the pack carries its own
# (resources/agreements/*.<lang>.json "labels"), frozen with the words the family signed.
LABELS = {
    "family": "Family",
    "family_members": "Family members",
    "family_worker": "Family worker",
    "review_date": "Review date",
    "signed_on": "Signed on",
    "not_yet_signed": "Not yet signed",
    "explained_in": "Explained in",
    "sharing_stopped": "Sharing stopped",
    "sharing_stopped_why": "the family withdrew consent",
    "signatures": "Signatures",
    "did_not_sign": "did not sign",
    "why": "Why",
    "signed": "Signed",
    "recorded": "Recorded",
    "verbally": "Consent given verbally",
    "not_signed": "Not signed",
    "copy_note": "A copy of this agreement is given to the family and kept on the family's record.",
    "copy_subtitle": "Family {reference} · version {version} · the family's copy",
    "document": "Document",
    "content_sha256": "content SHA-256",
    "page": "Page {page} of {total}",
}


def _family_words(view: AgreementView, copy: str) -> dict | None:
    """The translation the family's copy prints in, if the pack held one at signing."""
    return view.content.get("translation") if copy == "family" else None


def document_info(view: AgreementView, copy: str = "office") -> DocumentInfo:
    words = _family_words(view, copy)
    labels = {**LABELS, **(words or {}).get("labels", {})}
    subtitle = f"Family {view.family_reference} · version {view.version_number} · {COPIES[copy]}"
    if words:
        subtitle = labels["copy_subtitle"].format(
            reference=view.family_reference, version=view.version_number
        )
    return DocumentInfo(
        title=(words or view.content).get("title") or "Early help agreement",
        council_name=current_pack().council_name,
        document_id=f"AGR-{view.family_reference}-v{view.version_number}"
        + ("-F" if copy == "family" else ""),
        subtitle=subtitle,
        content_hash=view.content_hash,
        footer_document=labels["document"],
        footer_hash=labels["content_sha256"],
        footer_page=labels["page"],
    )


def _day(value, months: list[str] | None) -> str:
    if months and len(months) == 12:
        return f"{value.day} {months[value.month - 1]} {value.year}"
    return f"{value:%-d %B %Y}"


def _when(dt, months: list[str] | None = None) -> str:
    """UK local time, with the translation's month names on the family's copy."""
    if not months:
        return uk_time_words(dt)
    local, zone = uk_local(dt)
    return f"{_day(local, months)}, {local:%H:%M} {zone}"


def _words(content: dict) -> list:
    story = [para(content["intro"])]
    for section in content["sections"]:
        story.append(heading(section["heading"]))
        story.extend(para(p) for p in section["paragraphs"])
        if section["bullets"]:
            story.extend(bullet_list(section["bullets"]))
    return story


def agreement_pdf(view: AgreementView, images: dict[str, bytes], copy: str = "office") -> bytes:
    """The office copy (kept byte for byte at signing) carries the audit page; the family's copy
    has the same words and signatures without the ids, devices and hashes. Where the pack held
    the template in the family's language, the family's copy is wholly in it and the office copy
    prints the English, then the translation the family read, each under its own heading."""
    content = view.content
    translated = content.get("translation")
    # The family's copy is in the family's language where the pack holds it.
    words = translated if copy == "family" and translated else content
    labels = {**LABELS, **words.get("labels", {})}
    months = words.get("months")
    rows = [
        (labels["family"], view.family_name),
        (labels["family_members"], ", ".join(view.member_names)),
        (labels["family_worker"], view.worker_name),
        (labels["review_date"], _day(view.review_date, months) if view.review_date else ""),
        (labels["signed_on"], _day(view.signed_on, months) if view.signed_on else labels["not_yet_signed"]),
    ]
    if words.get("explained_in"):
        rows.append((labels["explained_in"], words["explained_in"]))
    if view.sharing_stopped_on:
        rows.append(
            (
                labels["sharing_stopped"],
                f"{_day(view.sharing_stopped_on, months)}: {labels['sharing_stopped_why']}",
            )
        )
    story = [field_table(rows), spacer(3)]
    if copy == "office" and translated:
        story.append(heading("In English (the words on record)"))
    story += _words(words)
    if copy == "office" and translated:
        story += [
            page_break(),
            heading(f"The same agreement in {translated['language']}, as the family read it"),
            *_words(translated),
            heading(f"The declaration in {translated['language']}, what the family read before signing"),
            para(translated["declaration"]),
        ]
    story += [heading(labels["signatures"]), para(words["declaration"]), spacer(4)]
    for s in view.signatures:
        role = labels.get(f"role_{s.role}", s.role_label)
        if s.role == "not_signed":
            story.append(
                signature_block(
                    s.signer_name,
                    labels["did_not_sign"],
                    f"{labels['why']}: {s.verbal_reason}. {labels['recorded']} {_when(s.signed_at, months)}",
                    None,
                    not_signed=labels["not_signed"],
                )
            )
            continue
        story.append(
            signature_block(
                s.signer_name,
                role,
                f"{labels['signed']} {_when(s.signed_at, months)}"
                if s.image_sha256
                else f"{labels['recorded']} {_when(s.signed_at, months)}",
                images.get(s.image_sha256) if s.image_sha256 else None,
                s.verbal_reason,
                verbally=labels["verbally"],
                not_signed=labels["not_signed"],
            )
        )
    story.append(para(labels["copy_note"], "small"))
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


def family_copy(doc: AgreementDocument) -> tuple[bytes, DocumentInfo]:
    """The family's copy of a signed agreement: the signed words and signatures, no audit page
    (the office copy on record keeps it)."""
    return agreement_pdf(doc.agreement, doc.images, copy="family"), document_info(doc.agreement, "family")
