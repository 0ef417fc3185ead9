"""The early help agreement: drafting it from the council's template, collecting signatures, and
freezing it. Freezing stores the exact words, the signatures and the SHA-256 of the PDF; from then
on the agreement cannot be edited, and any change starts a new version (the old one is kept,
marked superseded)."""

from __future__ import annotations

import hashlib
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.agreement_templates import (
    AgreementTemplate,
    date_words,
    fill,
    get_template,
    latest_template,
    translation,
)
from ehdesk.casework.blobs import get_blob, put_blob
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.families import members as members_of
from ehdesk.casework.professionals import involved_agencies
from ehdesk.casework.records import live
from ehdesk.config.pack import current_pack
from ehdesk.errors import EhdeskError, NotFound, ValidationError
from ehdesk.models import Agreement, AgreementSignature, Consent, Family, Person

ROLES = {
    "parent": "Parent / carer",
    "young_person": "Young person",
    "worker": "Family worker",
    "other_adult": "Other adult",
    # An adult with parental responsibility who did not sign: the reason is recorded and printed.
    "not_signed": "Did not sign",
}
DEFAULT_REVIEW_WEEKS = 12


class AgreementSigned(EhdeskError):
    """The agreement is signed: its words and signatures can no longer change."""


@dataclass(frozen=True)
class SignatureView:
    id: str
    signer_name: str
    role: str
    person_id: str | None
    image_sha256: str
    verbal_reason: str
    signed_at: datetime
    device: str

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)


@dataclass(frozen=True)
class Signer:
    """Someone who may sign: each adult with parental responsibility, each child old enough to
    be asked (the worker decides whether they are competent), and the worker."""

    name: str
    role: str
    person_id: str | None


@dataclass(frozen=True)
class AgreementView:
    id: str
    family_id: str
    episode_id: str
    status: str
    version_number: int
    template_id: str
    template_version: int
    agencies: list[str]
    review_date: date | None
    signed_on: date | None
    pdf_sha256: str
    worker_name: str
    content: dict  # the filled template: frozen once signed, live while a draft
    signatures: list[SignatureView] = field(default_factory=list)
    family_reference: str = ""
    family_name: str = ""
    member_names: list[str] = field(default_factory=list)
    language: str = "English"
    interpreter: str = ""
    sharing_stopped_on: date | None = None

    @property
    def language_words(self) -> str:
        """How the agreement was explained, as printed."""
        with_whom = f", with an interpreter ({self.interpreter})" if self.interpreter else ", no interpreter"
        return f"{self.language or 'English'}{with_whom}"

    @property
    def editable(self) -> bool:
        return self.status == "draft"

    @property
    def content_hash(self) -> str:
        """SHA-256 of the words and the signatures as stored: printed in the PDF footer."""
        payload = {
            "content": self.content,
            "signatures": [
                [s.signer_name, s.role, s.image_sha256, s.verbal_reason, s.signed_at.isoformat()]
                for s in self.signatures
            ],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# The reads each draft, signature and signing makes, built once with their values bound at each
# call: building a statement and working out its cache key cost about as much as running it.
_SIGNATURES = (
    select(AgreementSignature)
    .where(
        AgreementSignature.agreement_id == bindparam("agreement_id"), AgreementSignature.deleted.is_(False)
    )
    .order_by(AgreementSignature.signed_at, AgreementSignature.created_at)
)
_SIGNER_SIGNATURES = select(AgreementSignature).where(
    AgreementSignature.agreement_id == bindparam("agreement_id"),
    AgreementSignature.deleted.is_(False),
    AgreementSignature.signer_name == bindparam("signer_name"),
    AgreementSignature.role == bindparam("role"),
)
_LATEST_VERSION = (
    select(Agreement)
    .where(Agreement.episode_id == bindparam("episode_id"), Agreement.deleted.is_(False))
    .order_by(Agreement.version_number.desc())
    .limit(1)
)
_OTHERS_SIGNED = select(Agreement).where(
    Agreement.episode_id == bindparam("episode_id"),
    Agreement.status == "signed",
    Agreement.id != bindparam("agreement_id"),
)


def _family_name(family: Family, members: list[Person]) -> str:
    if family.household_name:
        return family.household_name
    surnames = [p.family_name for p in members if p.family_name]
    return surnames[0] if surnames else family.reference


def possible_signers(session: Session, family_id: str, worker_name: str) -> list[Signer]:
    signers = []
    for p in members_of(session, family_id):
        if p.role == "adult" and p.parental_responsibility:
            signers.append(Signer(p.full_name, "parent", p.id))
    for p in members_of(session, family_id):
        if p.role == "child" and p.date_of_birth and (date.today() - p.date_of_birth).days >= 12 * 365:
            signers.append(Signer(p.full_name, "young_person", p.id))
    signers.append(Signer(worker_name, "worker", None))
    return signers


def fields_from(
    family: Family | None,
    members: list[Person],
    agreement: Agreement,
    translated: AgreementTemplate | None = None,
) -> dict[str, str | list[str]]:
    """The values the template's placeholders take, from the record: in English, or in the
    language of ``translated`` (the pack's words in it, its month names and its fallbacks)."""
    pack = current_pack()
    agencies = [pack.label("agencies", code) for code in agreement.agencies]
    content = pack.practice.agreement
    words = dict(ENGLISH_FALLBACKS)
    months = None
    if translated is not None:
        names = content.agency_names(translated.language)
        agencies = [names.get(code) or pack.label("agencies", code) for code in agreement.agencies]
        content = content.in_language(translated.language)
        words.update({k: v for k, v in translated.labels.items() if k in ENGLISH_FALLBACKS})
        months = translated.months
    return {
        "worker_will": list(content.worker_will),
        "worker_will_not": list(content.worker_will_not),
        "short_term_limit": content.short_term_limit,
        "working_hours": content.working_hours,
        "team_phone": content.team_phone or words["no_team_phone"],
        "out_of_hours": content.out_of_hours,
        "family_name": _family_name(family, members) if family else "",
        "members": ", ".join(p.full_name for p in members) or words["no_members"],
        "worker_name": agreement.worker_name,
        "council_name": pack.council_name,
        "agencies": "; ".join(agencies) if agencies else words["no_agencies"],
        "review_date": date_words(agreement.review_date, months)
        if agreement.review_date
        else words["no_review_date"],
    }


# What a placeholder says when the record has nothing for it (a translation has its own).
ENGLISH_FALLBACKS = {
    "no_team_phone": "the number on your plan",
    "no_members": "the family",
    "no_agencies": "no other agency (none chosen)",
    "no_review_date": "a date to agree",
}


def agreement_words(family: Family | None, members: list[Person], agreement: Agreement) -> dict:
    """The agreement's words as they are frozen at signing: the filled English template, the
    language it was explained in and, where the pack holds the template in that language, the
    same words in it (what the family read), so both are part of what was signed."""
    fields = fields_from(family, members, agreement)
    content = fill(get_template(agreement.template_id, agreement.template_version), fields)
    with_whom = (
        f", with an interpreter ({agreement.interpreter})" if agreement.interpreter else ", no interpreter"
    )
    content["explained_in"] = f"{agreement.language or 'English'}{with_whom}"
    translated = translation(agreement.template_id, agreement.template_version, agreement.language)
    if translated is not None:
        labels = translated.labels
        interpreter = (
            f"{labels.get('with_interpreter', 'with an interpreter')} ({agreement.interpreter})"
            if agreement.interpreter
            else labels.get("no_interpreter", "no interpreter")
        )
        content["translation"] = {
            "language": translated.language,
            **fill(translated, fields_from(family, members, agreement, translated)),
            "explained_in": f"{labels.get('language_name', translated.language)}, {interpreter}",
            "months": list(translated.months),
            "labels": dict(labels),
        }
    return content


def _view(session: Session, row: Agreement, members: list[Person] | None = None) -> AgreementView:
    """``members``: the family's members, when the caller has just read them."""
    sigs = session.scalars(_SIGNATURES, {"agreement_id": row.id}).all()
    family = session.get(Family, row.family_id)
    members = members_of(session, row.family_id) if members is None else members
    if row.status == "draft":
        content = agreement_words(family, members, row)
    else:
        content = row.frozen_content
    return AgreementView(
        id=row.id,
        family_id=row.family_id,
        episode_id=row.episode_id,
        status=row.status,
        version_number=row.version_number,
        template_id=row.template_id,
        template_version=row.template_version,
        agencies=list(row.agencies),
        review_date=row.review_date,
        signed_on=row.signed_on,
        pdf_sha256=row.pdf_sha256,
        worker_name=row.worker_name,
        content=content,
        signatures=[
            SignatureView(
                s.id,
                s.signer_name,
                s.role,
                s.person_id,
                s.image_sha256,
                s.verbal_reason,
                s.signed_at,
                s.device,
            )
            for s in sigs
        ],
        family_reference=family.reference if family else "",
        family_name=_family_name(family, members) if family else "",
        member_names=[p.full_name for p in members],
        language=row.language,
        interpreter=row.interpreter,
        sharing_stopped_on=row.sharing_stopped_on,
    )


def _row(session: Session, agreement_id: str) -> Agreement:
    return live(session, Agreement, agreement_id, "agreement", "is not in this worker's records")


def _editable(session: Session, agreement_id: str) -> Agreement:
    row = _row(session, agreement_id)
    if row.status != "draft":
        raise AgreementSigned(
            "This agreement has been signed and cannot be changed. Start a new version to make a change."
        )
    return row


def get_agreement(session: Session, agreement_id: str) -> AgreementView:
    return _view(session, _row(session, agreement_id))


def latest_agreement(session: Session, family_id: str, *, signed_only: bool = False) -> AgreementView | None:
    """The newest version for the family's current (or last) episode: the draft if one is open,
    else the signed one. ``signed_only`` skips drafts."""
    episode = current_episode(session, family_id)
    if episode is None:
        return None
    query = select(Agreement).where(Agreement.episode_id == episode.id, Agreement.deleted.is_(False))
    if signed_only:
        query = query.where(Agreement.status == "signed")
    row = session.scalars(query.order_by(Agreement.version_number.desc()).limit(1)).first()
    return _view(session, row) if row else None


def start_agreement(
    session: Session, family_id: str, worker_name: str = "", today: date | None = None
) -> AgreementView:
    """The draft to work on: the open draft if there is one, else a new version (copying the
    agencies and review date of the last signed one, if any)."""
    return _view(session, _start(session, family_id, worker_name, today))


def start_draft(session: Session, family_id: str, worker_name: str = "", today: date | None = None) -> str:
    """``start_agreement`` (the same rules, the same rows) for a caller that does not show the
    draft, only its id: the demo, which records thousands (a view reads the signatures and the
    members and fills in the template's words)."""
    return _start(session, family_id, worker_name, today).id


def _start(session: Session, family_id: str, worker_name: str, today: date | None) -> Agreement:
    episode = current_episode(session, family_id)
    if episode is None:
        raise NotFound("This family has no episode of early help yet, so there is nothing to agree.")
    latest = session.scalars(_LATEST_VERSION, {"episode_id": episode.id}).first()
    if latest is not None and latest.status == "draft":
        return latest
    template = latest_template()
    today = today or date.today()
    row = Agreement(
        family_id=family_id,
        episode_id=episode.id,
        template_id=template.id,
        template_version=template.version,
        status="draft",
        # A first agreement proposes the agencies recorded as working with the family.
        agencies=list(latest.agencies) if latest else involved_agencies(session, family_id, today),
        review_date=latest.review_date if latest else today + timedelta(weeks=DEFAULT_REVIEW_WEEKS),
        version_number=(latest.version_number + 1) if latest else 1,
        worker_name=worker_name or session.info.get("worker_name", "") or episode.allocated_worker_name,
    )
    if latest is not None and latest.review_date and latest.review_date < today:
        row.review_date = today + timedelta(weeks=DEFAULT_REVIEW_WEEKS)
    session.add(row)
    audit.record(session, "change", "agreement", row.id, family_id, op="draft", version=row.version_number)
    return row


def update_draft(session: Session, agreement_id: str, **changes: Any) -> AgreementView:
    """Change the draft (``edit_draft``, the same keywords) and show it as it now stands."""
    return _view(session, edit_draft(session, agreement_id, **changes))


def edit_draft(
    session: Session,
    agreement_id: str,
    *,
    agencies: list[str] | None = None,
    review_date: date | None = None,
    language: str | None = None,
    interpreter: str | None = None,
    today: date | None = None,
) -> Agreement:
    """Change the draft. ``today``: the day the worker makes the change (a review date must be
    after it); the demo, recording a family's story, passes the day in the story and does not
    show the draft afterwards (a view reads the signatures and the members and fills in the
    template's words)."""
    row = _editable(session, agreement_id)
    if language is not None:
        if not language.strip():
            raise ValidationError({"language": "Say which language the agreement was explained in."})
        row.language = language.strip()
    if interpreter is not None:
        row.interpreter = interpreter.strip()
    if agencies is not None:
        known = set(current_pack().codes("agencies"))
        unknown = [a for a in agencies if a not in known]
        if unknown:
            raise ValidationError({"agencies": "Choose agencies from the council's list."})
        row.agencies = list(agencies)
    if review_date is not None:
        if review_date <= (today or date.today()):
            raise ValidationError({"review_date": "The review date must be after today."})
        row.review_date = review_date
    audit.record(session, "change", "agreement", row.id, row.family_id, op="edit")
    return row


def add_signature(
    session: Session,
    agreement_id: str,
    signer_name: str,
    role: str,
    *,
    person_id: str | None = None,
    image_png: bytes | None = None,
    verbal_reason: str = "",
    signed_at: datetime | None = None,
) -> SignatureView:
    """Stamp one person's signature (a drawn PNG) or their verbal consent (with the reason a
    signature could not be taken). A person signing again replaces their earlier signature."""
    row = _editable(session, agreement_id)
    errors = {}
    if not signer_name.strip():
        errors["signer_name"] = "Give the name of the person signing."
    if role not in ROLES:
        errors["role"] = "Choose the signer's role."
    if not image_png and not verbal_reason.strip():
        errors["signature"] = "Draw a signature, or record why consent was given verbally."
    if image_png and not image_png.startswith(b"\x89PNG"):
        errors["signature"] = "The signature image is not a PNG."
    if errors:
        raise ValidationError(errors)
    for old in session.scalars(
        _SIGNER_SIGNATURES, {"agreement_id": row.id, "signer_name": signer_name.strip(), "role": role}
    ):
        old.deleted = True
    digest = put_blob(session, image_png, "image/png", row.family_id) if image_png else ""
    device_id = session.info.get("device_id", "")
    sig = AgreementSignature(
        family_id=row.family_id,
        agreement_id=row.id,
        signer_name=signer_name.strip(),
        role=role,
        person_id=person_id,
        image_sha256=digest,
        verbal_reason="" if image_png else verbal_reason.strip(),
        signed_at=(signed_at or datetime.now(UTC)).replace(microsecond=0),
        device=f"{socket.gethostname()} ({device_id[:8]})" if device_id else socket.gethostname(),
    )
    session.add(sig)
    audit.record(session, "change", "agreement_signature", sig.id, row.family_id, role=role)
    return SignatureView(
        sig.id,
        sig.signer_name,
        sig.role,
        sig.person_id,
        sig.image_sha256,
        sig.verbal_reason,
        sig.signed_at,
        sig.device,
    )


def record_not_signed(
    session: Session,
    agreement_id: str,
    person_id: str,
    reason: str,
    *,
    signed_at: datetime | None = None,
) -> SignatureView:
    """An adult with parental responsibility who did not sign: why, recorded and printed.
    ``signed_at``: when that was recorded (now, unless the story being recorded says otherwise)."""
    row = _editable(session, agreement_id)
    person = session.get(Person, person_id)
    if person is None or person.deleted or person.family_id != row.family_id:
        raise ValidationError({"person_id": "Choose the adult who did not sign from this family."})
    if not reason.strip():
        raise ValidationError({"reason": f"Say why {person.full_name} did not sign."})
    for old in session.scalars(
        select(AgreementSignature).where(
            AgreementSignature.agreement_id == row.id,
            AgreementSignature.deleted.is_(False),
            AgreementSignature.person_id == person_id,
        )
    ):
        old.deleted = True
    sig = AgreementSignature(
        family_id=row.family_id,
        agreement_id=row.id,
        signer_name=person.full_name,
        role="not_signed",
        person_id=person_id,
        image_sha256="",
        verbal_reason=reason.strip(),
        signed_at=(signed_at or datetime.now(UTC)).replace(microsecond=0),
        device=socket.gethostname(),
    )
    session.add(sig)
    audit.record(session, "change", "agreement_signature", sig.id, row.family_id, role="not_signed")
    return SignatureView(
        sig.id, sig.signer_name, sig.role, person_id, "", sig.verbal_reason, sig.signed_at, sig.device
    )


def remove_signature(session: Session, signature_id: str) -> None:
    sig = live(session, AgreementSignature, signature_id, "signature", "is not on this agreement")
    _editable(session, sig.agreement_id)
    sig.deleted = True
    audit.record(session, "change", "agreement_signature", sig.id, sig.family_id, op="remove")


def signature_images(session: Session, view: AgreementView) -> dict[str, bytes]:
    return {s.image_sha256: get_blob(session, s.image_sha256) for s in view.signatures if s.image_sha256}


# Lays out the signed PDF from the frozen view and the signature images. Casework does not import
# the pdf package (it only builds views); ``ehdesk.documents`` hands this in.
Render = Callable[[AgreementView, dict[str, bytes]], bytes]


def sign_and_freeze(
    session: Session,
    agreement_id: str,
    today: date | None = None,
    *,
    render: Render | None,
) -> AgreementView:
    """Freeze the draft: keep its exact words, render the signed PDF, store it as a blob with its
    SHA-256, record it as issued, and mark any earlier signed version superseded.

    ``render=None`` freezes the words and signatures without the PDF: it is rendered from them
    the first time it is printed (``signed_pdf``), and is then the same file signing would have
    made (the PDF is a function of the frozen words and the signature images). The words,
    signatures, consent and the "sign" audit event are the same either way. The demo signs this
    way: a PDF for each of thousands of demo agreements would cost far too much."""
    row = _editable(session, agreement_id)
    members = members_of(session, row.family_id)  # read once: signing does not change them
    draft = _view(session, row, members)
    roles = {s.role for s in draft.signatures}
    if not roles & {"parent", "other_adult", "young_person"}:
        raise ValidationError({"signatures": "At least one family member must sign or give verbal consent."})
    # Every adult with parental responsibility signs, or the reason they did not is recorded.
    accounted = {s.person_id for s in draft.signatures if s.person_id} | {
        s.signer_name for s in draft.signatures
    }
    unsigned = [
        p.full_name
        for p in members
        if p.role == "adult"
        and p.parental_responsibility
        and p.id not in accounted
        and p.full_name not in accounted
    ]
    if unsigned:
        raise ValidationError(
            {
                "signatures": "Every adult with parental responsibility signs, or record why they did not: "
                + ", ".join(unsigned)
                + "."
            }
        )
    if "worker" not in roles:
        raise ValidationError({"signatures": "The worker must sign the agreement too."})
    if row.review_date is None:
        raise ValidationError({"review_date": "Set a date to review the agreement."})
    for older in session.scalars(_OTHERS_SIGNED, {"episode_id": row.episode_id, "agreement_id": row.id}):
        older.status = "superseded"
    row.frozen_content = draft.content
    row.signed_on = today or date.today()
    row.status = "signed"
    _record_consent(session, row, draft.signatures)
    if render is not None:
        _freeze_pdf(session, row, render)
    audit.record(session, "sign", "agreement", row.id, row.family_id, version=row.version_number)
    # What ``_view`` would read back: signing changed the row, not its signatures or the family
    # (the consent it records is not part of the view), so the draft's view is not read again.
    return replace(
        draft,
        status=row.status,
        signed_on=row.signed_on,
        pdf_sha256=row.pdf_sha256,
        content=row.frozen_content,
    )


def _record_consent(session: Session, row: Agreement, signatures: list[SignatureView]) -> None:
    """Signing the agreement is each family signer's consent to share with the named agencies:
    recorded in the family's consent list too, so the rest of the record (and the reports) see it."""
    for sig in signatures:
        if sig.role in ("worker", "not_signed"):
            continue
        session.add(
            Consent(
                family_id=row.family_id,
                person_id=sig.person_id,
                given_by_name=sig.signer_name,
                scope="share_information",
                agencies=list(row.agencies),
                given_on=row.signed_on,
                method="verbal" if sig.verbal_reason else "signed",
                notes=f"Given in the early help agreement, version {row.version_number}.",
            )
        )


def _freeze_pdf(session: Session, row: Agreement, render: Render) -> None:
    frozen = _view(session, row)
    pdf = render(frozen, signature_images(session, frozen))
    row.pdf_sha256 = put_blob(session, pdf, "application/pdf", row.family_id)
    from ehdesk.casework.documents import record_issued

    record_issued(session, row.family_id, "agreement", row.id, pdf, channel="signed")


def signed_pdf(session: Session, family_id: str, *, render: Render) -> tuple[bytes, AgreementView]:
    """The frozen PDF of the family's latest signed agreement, byte for byte as signed. An
    agreement signed with ``render=None`` (the demo's) has none yet: it is rendered from the
    frozen words, stored and recorded as issued here, the first time it is asked for."""
    view = latest_agreement(session, family_id, signed_only=True)
    if view is None:
        raise NotFound("This family has no signed agreement yet.")
    if not view.pdf_sha256:
        _freeze_pdf(session, _row(session, view.id), render)
        view = get_agreement(session, view.id)
    return get_blob(session, view.pdf_sha256), view


def agreement_facts(session: Session, episode_ids: list[str]) -> dict[str, dict]:
    """When each episode's agreement was first signed (the timescale rule wants it before the
    first TAF; a later re-signing does not move that date), and the review date written into the
    agreement in force (a due item). One pass over the signed and superseded rows: each row's
    frozen words make it several pages long, so reading them twice cost more than the rest."""
    if not episode_ids:
        return {}
    facts: dict[str, dict] = {}
    for episode_id, status, signed_on, review_date in session.execute(
        select(Agreement.episode_id, Agreement.status, Agreement.signed_on, Agreement.review_date).where(
            Agreement.episode_id.in_(episode_ids),
            Agreement.deleted.is_(False),
            Agreement.status.in_(("signed", "superseded")),
        )
    ):
        found = facts.setdefault(episode_id, {})
        if signed_on and (
            found.get("agreement_signed_on") is None or signed_on < found["agreement_signed_on"]
        ):
            found["agreement_signed_on"] = signed_on
        if status == "signed" and review_date is not None:
            found["agreement_review_on"] = review_date
    return {episode_id: found for episode_id, found in facts.items() if found}
