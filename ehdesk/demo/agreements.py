"""Demo step: most demo episodes get a signed early help agreement, and it is reviewed at the TAF
reviews, through the casework operations a worker uses (``casework.agreements``): a draft started
on the day, its agencies, language and interpreter set from the family's record, each adult with
parental responsibility signing (a drawn synthetic signature, consent by phone, or why they did
not sign) and the worker, then signed and frozen on that day. So the rules those operations keep
hold for demo agreements too, and signing records each family signer's consent to share.

The agreements are frozen with ``render=None``: the PDF is rendered from the frozen words the
first time it is printed (``casework.agreements.signed_pdf``), so 10,000 families stay quick."""

from __future__ import annotations

import random
import struct
import zlib
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.agreements import (
    DEFAULT_REVIEW_WEEKS,
    AgreementView,
    add_signature,
    edit_draft,
    record_not_signed,
    sign_and_freeze,
    start_draft,
)
from ehdesk.demo.fates import ends_on
from ehdesk.demo.ordering import episodes_in_generation_order
from ehdesk.demo.signatures import synthetic_signature
from ehdesk.models import Agreement, Consent, Family, Person

SIGNED_SHARE = 0.85
# Older cases: a few families never signed (the caseload shows that as due).
LATE_SIGNED_SHARE = 0.96
UNSIGNED_AT_MOST_DAYS = 120
VARIANTS = 6
WORKER_VARIANT = 0  # the worker signs alike on every agreement; family members use the others
VERBAL_SHARE = 0.05
# A second adult with parental responsibility now and then does not sign (the reason is recorded).
NOT_SIGNED_SHARE = 0.08
# Which stroke each family member signs with, for the batch (session.info: one batch, one
# session), so they sign each version of the agreement alike.
_VARIANTS_KEY = "ehdesk.demo.signature_variants"
# Each batch shows every way an adult can take part (a demo for training should), whatever the draws.
_SHOWN_KEY = "ehdesk.demo.signing_shown"


def _personal_copy(png: bytes, rng: random.Random) -> bytes:
    """The shared stroke image with a random comment chunk, so each signature is its own blob
    (blobs are scoped to one family) without drawing it again."""
    data = b"ehdesk-demo\x00" + rng.randbytes(8).hex().encode()
    chunk = struct.pack(">I", len(data)) + b"tEXt" + data + struct.pack(">I", zlib.crc32(b"tEXt" + data))
    return png[:-12] + chunk + png[-12:]  # before IEND


def _adults_with_pr(session: Session, family_ids: list[str]) -> dict[str, list[Person]]:
    """Each family's adults with parental responsibility, in the order the record lists them."""
    adults: dict[str, list[Person]] = {}
    for p in session.scalars(
        select(Person)
        .where(Person.family_id.in_(family_ids), Person.deleted.is_(False))
        .order_by(Person.created_at)
    ):
        if p.role == "adult" and p.parental_responsibility:
            adults.setdefault(p.family_id, []).append(p)
    return adults


def _shared_with(session: Session, family_ids: list[str], pack) -> dict[str, list[str]]:
    """The agencies each family agreed to share with when support was requested (their consent
    to share), in the pack's order: what the worker proposes the agreement names when the record
    has no professionals involved yet (the demo records the team around the family later)."""
    named: dict[str, set[str]] = {}
    for family_id, agencies in session.execute(
        select(Consent.family_id, Consent.agencies).where(
            Consent.family_id.in_(family_ids),
            Consent.scope == "share_information",
            Consent.deleted.is_(False),
        )
    ):
        named.setdefault(family_id, set()).update(agencies or [])
    codes = pack.codes("agencies")
    return {family_id: [c for c in codes if c in agencies] for family_id, agencies in named.items()}


def _sign(
    session: Session,
    rng: random.Random,
    family: Family,
    adults: list[Person],
    worker,
    on: date,
    *,
    review: bool,
    agencies: list[str] | None = None,
) -> AgreementView:
    """What the worker does on ``on``: start the draft (a new version after a signed one), set
    what the record says, take each signature in turn, then sign and freeze it."""
    draft_id = start_draft(session, family.id, worker[1], today=on)
    # Held while it is worked on: the session keeps only weak references, so each operation's
    # look-up of the draft would otherwise miss, flush and query the store again.
    held = session.get(Agreement, draft_id)
    edit_draft(
        session,
        draft_id,
        agencies=agencies if agencies and held is not None and not held.agencies else None,
        # Reviewed: the next review is due twelve weeks on from this one.
        review_date=on + timedelta(weeks=DEFAULT_REVIEW_WEEKS) if review else None,
        language=family.main_language or "English",
        interpreter="Telephone interpreter" if family.interpreter_needed else "",
        today=on,
    )
    variants = session.info.setdefault(_VARIANTS_KEY, {})
    shown = session.info.setdefault(_SHOWN_KEY, set())
    at = datetime.combine(on, time(rng.randint(9, 16), rng.randint(0, 59)), UTC)
    for i, adult in enumerate(adults):
        draw = rng.random()
        if i > 0 and "not_signed" not in shown:
            draw = 0.0
        elif i == 0 and "verbal" not in shown:
            draw = 1.0
        if i > 0 and draw < NOT_SIGNED_SHARE:
            shown.add("not_signed")
            reason = (
                "Was not at the review; a copy was sent to read."
                if review
                else "Lives away from the family home and was not at the visit; a copy was sent to read."
            )
            record_not_signed(session, draft_id, adult.id, reason, signed_at=at)
        elif draw > 1 - VERBAL_SHARE:
            shown.add("verbal")
            reason = (
                "Agreed by phone: could not be at the review"
                if review
                else "Agreed by phone: no visit was possible before the first meeting"
            )
            add_signature(
                session, draft_id, adult.full_name, "parent", person_id=adult.id, verbal_reason=reason, signed_at=at
            )  # fmt: skip
        else:
            variant = variants.setdefault(adult.id, rng.randrange(1, VARIANTS))
            png = _personal_copy(synthetic_signature(variant), rng)
            add_signature(
                session, draft_id, adult.full_name, "parent", person_id=adult.id, image_png=png, signed_at=at
            )  # fmt: skip
        at += timedelta(minutes=1)
    png = _personal_copy(synthetic_signature(WORKER_VARIANT), rng)
    add_signature(session, draft_id, worker[1], "worker", image_png=png, signed_at=at)
    signed = sign_and_freeze(session, draft_id, on, render=None)
    del held
    return signed


def sign_demo_agreements(session: Session, rng: random.Random, pack, today: date, worker, family_ids) -> None:
    """The first agreement of each case, signed in its first weeks (never after its closing day
    or today)."""
    episodes = episodes_in_generation_order(session, family_ids)
    adults = _adults_with_pr(session, family_ids)
    shared = _shared_with(session, family_ids, pack)
    families = {f.id: f for f in session.scalars(select(Family).where(Family.id.in_(family_ids)))}
    for episode in episodes:
        start = episode.allocated_on or episode.opened_on
        # Most families sign in the first weeks; a case just begun may not have signed yet.
        recent = (today - start).days < 30
        unsigned = rng.random() >= (SIGNED_SHARE if recent else LATE_SIGNED_SHARE)
        # Still unsigned only in a case's first months: an agreement never signed in a case a
        # year old is a failure a manager would long since have acted on.
        if unsigned and (ends_on(session, episode, today) - start).days <= UNSIGNED_AT_MOST_DAYS:
            continue
        signed_on = min(start + timedelta(days=rng.randint(3, 30)), today, ends_on(session, episode, today))
        _sign(
            session, rng, families[episode.family_id], adults.get(episode.family_id, []), worker, signed_on,
            review=False, agencies=shared.get(episode.family_id),
        )  # fmt: skip


def review_demo_agreements(
    session: Session, rng: random.Random, pack, today: date, worker, family_ids
) -> None:
    """After the meetings exist: the agreement is reviewed at the TAF review that falls due for
    it, as a worker would: the family and the worker sign the next version (signing it supersedes
    the old one) and the review date moves on. A case whose reviews are late keeps an agreement
    overdue for review, so the caseload shows a real mix."""
    from ehdesk.models.meeting import Meeting

    episodes = episodes_in_generation_order(session, family_ids)
    ids = [e.id for e in episodes]
    if not ids:
        return
    signed = {
        a.episode_id: (a.signed_on, a.review_date)
        for a in session.scalars(
            select(Agreement).where(Agreement.episode_id.in_(ids), Agreement.status == "signed")
        )
    }
    if not signed:
        return
    reviews: dict[str, list[date]] = {}
    for episode_id, held_on in session.execute(
        select(Meeting.episode_id, Meeting.held_on).where(
            Meeting.episode_id.in_(ids),
            Meeting.kind == "taf_review",
            Meeting.status == "completed",
            Meeting.deleted.is_(False),
        )
    ):
        reviews.setdefault(episode_id, []).append(held_on)
    adults = _adults_with_pr(session, family_ids)
    families = {f.id: f for f in session.scalars(select(Family).where(Family.id.in_(family_ids)))}
    for episode in episodes:
        if episode.id not in signed:
            continue
        signed_on, review_date = signed[episode.id]
        last_day = min(ends_on(session, episode, today), today)
        for held_on in sorted(reviews.get(episode.id, [])):
            if held_on > last_day:
                break
            # Reviewed at the TAF review on or just before its review date (not at every one).
            if held_on <= signed_on or held_on < review_date - timedelta(days=21):
                continue
            if rng.random() < 0.1:  # now and then the review is put off to the next meeting
                continue
            view = _sign(
                session, rng, families[episode.family_id], adults.get(episode.family_id, []), worker, held_on,
                review=True,
            )  # fmt: skip
            signed_on, review_date = held_on, view.review_date
        # No TAF review fell due: the worker reviews it with the family at a visit on or just
        # before its date (now and then it slips, and the caseload shows it overdue).
        while review_date <= last_day and rng.random() < 0.85:
            on = max(review_date - timedelta(days=rng.randint(0, 7)), signed_on + timedelta(days=1))
            view = _sign(
                session, rng, families[episode.family_id], adults.get(episode.family_id, []), worker, on,
                review=True,
            )  # fmt: skip
            signed_on, review_date = on, view.review_date
