from sqlalchemy import func, select

from ehdesk import documents
from ehdesk.demo import generate
from ehdesk.models import Agreement, AgreementSignature, Episode


def test_demo_data_signs_most_episodes_with_drawn_signatures(store):
    generate(store, 60, seed=5)
    with store.session() as s:
        episodes = s.scalar(select(func.count()).select_from(Episode))
        signed = s.scalars(select(Agreement).where(Agreement.status == "signed")).all()
        drawn = s.scalar(select(func.count()).where(AgreementSignature.image_sha256 != ""))
        assert episodes and len(signed) >= episodes * 0.6
        assert drawn >= len(signed)
        pdf, view = documents.signed_pdf(s, signed[0].family_id)  # frozen on first issue
        assert pdf.startswith(b"%PDF") and view.pdf_sha256
        again, _ = documents.signed_pdf(s, signed[0].family_id)
    assert again == pdf


def test_demo_families_who_speak_polish_signed_the_polish_words_too(store):
    generate(store, 60, seed=5)
    with store.session() as s:
        signed = s.scalars(select(Agreement).where(Agreement.status == "signed")).all()
        polish = [a for a in signed if a.language == "Polish"]
        assert polish, "the demo has Polish-speaking families"
        for agreement in signed:
            translated = agreement.frozen_content.get("translation")
            assert (translated is not None) == (agreement.language == "Polish")
        words = polish[0].frozen_content["translation"]
        assert words["title"] == "Porozumienie o wczesnej pomocy"
        assert words["explained_in"].startswith("polski, ")


def test_demo_agreements_are_made_through_the_operations_on_the_day_in_the_story(store):
    """Each demo agreement was drafted, signed by every adult with parental responsibility (or
    why not recorded) and the worker, and signed and frozen, by the casework operations: the
    audit trail says so, and signing recorded each family signer's consent to share."""
    from datetime import date, timedelta

    from ehdesk.models import AuditEvent, Consent, Family, Person
    from ehdesk.models.meeting import Meeting

    today = date(2026, 11, 23)
    generate(store, 60, seed=5, today=today)
    with store.session() as s:
        agreements = s.scalars(select(Agreement).where(Agreement.status.in_(("signed", "superseded")))).all()
        events = {(e.action, e.entity_id, e.detail.get("op")) for e in s.scalars(select(AuditEvent))}
        signatures = s.scalars(select(AgreementSignature)).all()
        consents = s.scalars(
            select(Consent).where(Consent.notes.like("Given in the early help agreement%"))
        ).all()
        parents = s.scalars(
            select(Person).where(Person.role == "adult", Person.parental_responsibility)
        ).all()
        episodes = {e.id: e for e in s.scalars(select(Episode))}
        families = {f.id: f for f in s.scalars(select(Family))}
        reviews = {
            (m.episode_id, m.held_on) for m in s.scalars(select(Meeting).where(Meeting.kind == "taf_review"))
        }
    by_agreement: dict[str, list] = {}
    for sig in signatures:
        by_agreement.setdefault(sig.agreement_id, []).append(sig)
    given = {(c.person_id, c.given_on, c.notes) for c in consents}
    assert agreements and any(a.version_number > 1 for a in agreements)
    assert any(sig.role == "not_signed" for sig in signatures) and any(
        sig.role == "parent" and sig.verbal_reason for sig in signatures
    )
    previous = {(a.episode_id, a.version_number): a for a in agreements}
    for a in agreements:
        episode = episodes[a.episode_id]
        # Drafted and signed by the operations: their audit events, and no PDF until first printed.
        assert ("change", a.id, "draft") in events and ("sign", a.id, None) in events
        assert not a.pdf_sha256
        # Signed on a day of the story: after the case began, never after its closing day or today.
        assert (
            (episode.allocated_on or episode.opened_on)
            <= a.signed_on
            <= (episode.closed_on or today)
            <= today
        )
        if a.version_number > 1:  # reviewed at a TAF review held that day, or at a visit as it fell due
            before = previous[(a.episode_id, a.version_number - 1)]
            assert (a.episode_id, a.signed_on) in reviews or (
                before.review_date - timedelta(days=7) <= a.signed_on <= before.review_date
            )
        sigs = by_agreement[a.id]
        assert all(sig.signed_at.date() == a.signed_on for sig in sigs)
        assert all(("change", sig.id, None) in events for sig in sigs)
        accounted = {sig.person_id for sig in sigs}
        assert {p.id for p in parents if p.family_id == a.family_id} <= accounted
        assert [sig.role for sig in sigs].count("worker") == 1
        family = families[a.family_id]
        assert a.language == (family.main_language or "English")
        assert bool(a.interpreter) == family.interpreter_needed
        for sig in sigs:
            if sig.role not in ("worker", "not_signed"):
                assert (
                    sig.person_id,
                    a.signed_on,
                    f"Given in the early help agreement, version {a.version_number}.",
                ) in given
