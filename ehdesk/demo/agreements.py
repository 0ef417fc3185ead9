"""Demo step: most demo episodes get a signed early help agreement, signed by the adults with
parental responsibility and the worker with drawn synthetic signatures.

Rows are built directly (a few queries per batch) rather than through the casework operations,
and the PDF is not rendered here: ``casework.agreements.signed_pdf`` freezes the bytes the first
time a demo agreement is issued. The PDF is a deterministic function of the frozen words and
signatures, so this gives the same file signing would have, and 10,000 families stay quick."""

from __future__ import annotations

import random
import struct
import zlib
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.agreement_templates import latest_template
from ehdesk.casework.agreements import DEFAULT_REVIEW_WEEKS, agreement_words
from ehdesk.casework.blobs import sha256_hex
from ehdesk.demo.fates import ends_on
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.demo.signatures import synthetic_signature
from ehdesk.models import Agreement, AgreementSignature, Blob, Family, Person
from ehdesk.models.types import new_id

SIGNED_SHARE = 0.85
# Older cases: a few families never signed (the caseload shows that as due).
LATE_SIGNED_SHARE = 0.96
VARIANTS = 6


def _personal_copy(png: bytes, rng: random.Random) -> bytes:
    """The shared stroke image with a random comment chunk, so each family's signature is its own
    blob (blobs are scoped to one family) without drawing it again."""
    data = b"ehdesk-demo\x00" + rng.randbytes(8).hex().encode()
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:-12] + chunk + png[-12:]  # before IEND


def _freeze_words(row: Agreement, template, family: Family | None, members: list[Person]) -> None:
    row.language = (family.main_language if family else "") or "English"
    row.interpreter = "Telephone interpreter" if family is not None and family.interpreter_needed else ""
    # The same words signing freezes (English, and the family's language where the pack has it).
    row.frozen_content = agreement_words(family, members, row)


def sign_demo_agreements(session: Session, rng: random.Random, pack, today: date, worker, family_ids) -> None:
    template = latest_template()
    episodes = episodes_in_generation_order(session, family_ids)
    people: dict[str, list[Person]] = {}
    for p in session.scalars(
        select(Person).where(Person.family_id.in_(family_ids)).order_by(Person.created_at)
    ):
        people.setdefault(p.family_id, []).append(p)
    families = {f.id: f for f in session.scalars(select(Family).where(Family.id.in_(family_ids)))}
    agencies = pack.codes("agencies")
    device = "demo-laptop (demo)"
    for episode in episodes:
        start = episode.allocated_on or episode.opened_on
        # Most families sign in the first weeks; a case just begun may not have signed yet.
        recent = (today - start).days < 30
        if rng.random() >= (SIGNED_SHARE if recent else LATE_SIGNED_SHARE):
            continue
        signed_on = min(start + timedelta(days=rng.randint(3, 30)), today)
        signed_on = min(signed_on, ends_on(session, episode, today))
        row = Agreement(
            id=new_id(),
            family_id=episode.family_id,
            episode_id=episode.id,
            template_id=template.id,
            template_version=template.version,
            status="signed",
            agencies=rng.sample(agencies, rng.randint(2, 4)),
            review_date=signed_on + timedelta(weeks=DEFAULT_REVIEW_WEEKS),
            signed_on=signed_on,
            version_number=1,
            worker_name=worker[1],
        )
        members = people.get(episode.family_id, [])
        family = families.get(episode.family_id)
        _freeze_words(row, template, family, members)
        session.add(row)
        signers = [
            (p.full_name, "parent", p.id) for p in members if p.role == "adult" and p.parental_responsibility
        ] + [(worker[1], "worker", None)]
        at = datetime.combine(signed_on, time(rng.randint(9, 16), rng.randint(0, 59)), UTC)
        for name, role, person_id in signers:
            verbal = role != "worker" and rng.random() < 0.05
            digest = ""
            if not verbal:
                # Each copy is unique (random chunk), so it is added without put_blob's look-up
                # and flush, which would dominate the time of a large demo.
                png = _personal_copy(synthetic_signature(rng.randrange(VARIANTS)), rng)
                digest = sha256_hex(png)
                session.add(
                    Blob(
                        sha256=digest,
                        family_id=episode.family_id,
                        media_type="image/png",
                        size=len(png),
                        data=png,
                    )
                )
            session.add(
                AgreementSignature(
                    family_id=episode.family_id,
                    agreement_id=row.id,
                    signer_name=name,
                    role=role,
                    person_id=person_id,
                    image_sha256=digest,
                    verbal_reason="Agreed by phone: no visit was possible before the first meeting"
                    if verbal
                    else "",
                    signed_at=at,
                    device=device,
                )
            )
            at += timedelta(minutes=1)


def review_demo_agreements(
    session: Session, rng: random.Random, pack, today: date, worker, family_ids
) -> None:
    """After the meetings exist: the agreement is reviewed at the TAF review that falls due for
    it, as a worker would: the family and the worker sign the next version (the same people, the
    same signature images), the old one is superseded, and the review date moves on. A case whose
    reviews are late keeps an agreement overdue for review, so the caseload shows a real mix."""
    from ehdesk.models.meeting import Meeting

    episodes = episodes_in_generation_order(session, family_ids)
    ids = [e.id for e in episodes]
    if not ids:
        return
    signed = {
        a.episode_id: a
        for a in session.scalars(
            select(Agreement).where(Agreement.episode_id.in_(ids), Agreement.status == "signed")
        )
    }
    reviews: dict[str, list[date]] = {}
    for episode_id, held_on in session.execute(
        select(Meeting.episode_id, Meeting.held_on).where(
            Meeting.episode_id.in_(ids), Meeting.kind == "taf_review", Meeting.status == "completed"
        )
    ):
        reviews.setdefault(episode_id, []).append(held_on)
    if not signed:
        return
    family_ids_signed = {a.family_id for a in signed.values()}
    people: dict[str, list[Person]] = {}
    for p in session.scalars(
        select(Person).where(Person.family_id.in_(family_ids_signed)).order_by(Person.created_at)
    ):
        people.setdefault(p.family_id, []).append(p)
    families = {f.id: f for f in session.scalars(select(Family).where(Family.id.in_(family_ids_signed)))}
    signatures: dict[str, list[AgreementSignature]] = {}
    for sig in session.scalars(
        select(AgreementSignature).where(AgreementSignature.agreement_id.in_([a.id for a in signed.values()]))
    ):
        signatures.setdefault(sig.agreement_id, []).append(sig)
    template = latest_template()
    for episode in episodes:
        current = signed.get(episode.id)
        if current is None:
            continue
        first_signatures = sorted(signatures.get(current.id, []), key=lambda s: s.signed_at)
        for held_on in sorted(reviews.get(episode.id, [])):
            # Reviewed at the TAF review on or just before its review date (not at every one).
            if held_on <= current.signed_on or held_on < current.review_date - timedelta(days=21):
                continue
            if rng.random() < 0.1:  # now and then the review is put off to the next meeting
                continue
            current.status = "superseded"
            row = Agreement(
                id=new_id(),
                family_id=current.family_id,
                episode_id=current.episode_id,
                template_id=template.id,
                template_version=template.version,
                status="signed",
                agencies=list(current.agencies),
                review_date=held_on + timedelta(weeks=DEFAULT_REVIEW_WEEKS),
                signed_on=held_on,
                version_number=current.version_number + 1,
                worker_name=current.worker_name,
            )
            _freeze_words(row, template, families.get(row.family_id), people.get(row.family_id, []))
            session.add(row)
            at = datetime.combine(held_on, time(rng.randint(9, 16), rng.randint(0, 59)), UTC)
            for old in first_signatures:
                session.add(
                    AgreementSignature(
                        family_id=row.family_id, agreement_id=row.id, signer_name=old.signer_name,
                        role=old.role, person_id=old.person_id, image_sha256=old.image_sha256,
                        verbal_reason=old.verbal_reason, signed_at=at, device=old.device,
                    )
                )  # fmt: skip
                at += timedelta(minutes=1)
            current = row
