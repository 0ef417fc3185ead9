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
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.demo.signatures import synthetic_signature
from ehdesk.models import Agreement, AgreementSignature, Blob, Family, Person
from ehdesk.models.types import new_id

SIGNED_SHARE = 0.85
VARIANTS = 6


def _personal_copy(png: bytes, rng: random.Random) -> bytes:
    """The shared stroke image with a random comment chunk, so each family's signature is its own
    blob (blobs are scoped to one family) without drawing it again."""
    data = b"ehdesk-demo\x00" + rng.randbytes(8).hex().encode()
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:-12] + chunk + png[-12:]  # before IEND


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
        if rng.random() >= SIGNED_SHARE:
            continue
        start = episode.allocated_on or episode.opened_on
        signed_on = min(start + timedelta(days=rng.randint(3, 30)), today)
        if episode.closed_on and signed_on > episode.closed_on:
            signed_on = episode.closed_on
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
        row.language = (family.main_language if family else "") or "English"
        row.interpreter = "Telephone interpreter" if family is not None and family.interpreter_needed else ""
        # The same words signing freezes (English, and the family's language where the pack has it).
        row.frozen_content = agreement_words(family, members, row)
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
