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
