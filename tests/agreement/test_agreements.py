import hashlib
import io
import unicodedata
from datetime import date, timedelta

import pypdf
import pytest

from ehdesk.casework import agreements as ops
from ehdesk.casework.agreement_templates import content_as_text
from ehdesk.casework.documents import verify
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.errors import ValidationError
from ehdesk.models import Consent, Episode
from tests.agreement.factory import ARABIC_CHILD, CHILD_CYRILLIC, FATHER_CJK, MOTHER, make_family, sign_all


def _text(pdf: bytes) -> str:
    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())  # line breaks fall anywhere


def test_signed_pdf_has_every_name_and_the_agreed_words(store):
    with store.session() as s:
        family_id = make_family(s)
        view = sign_all(s, family_id)
        pdf, _ = ops.signed_pdf(s, family_id)
    text = _text(pdf)
    for given, surname in (MOTHER, FATHER_CJK, CHILD_CYRILLIC):
        assert f"{given} {surname}" in text
    # Arabic is shaped for print; extraction gives presentation forms, which NFKC maps back.
    assert ARABIC_CHILD[0] in unicodedata.normalize("NFKC", text)
    assert "You do not have to accept early help" in text
    assert "School; Health visiting" in text  # the agencies chosen, by name
    assert "Audit of signatures" in text
    assert view.content["intro"].split(".")[0] in text
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) >= 3


def test_drawn_signatures_are_embedded_images_and_verbal_consent_is_written(store):
    with store.session() as s:
        family_id = make_family(s)
        view = sign_all(s, family_id, verbal_for="王 伟")
        pdf, _ = ops.signed_pdf(s, family_id)
    drawn = [sig for sig in view.signatures if sig.image_sha256]
    assert len(drawn) == 2  # the mother and the worker; the father consented verbally
    images = [img for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for img in page.images]
    assert len(images) == len(drawn)
    assert "Consent given verbally — Away working; agreed by phone" in _text(pdf)


def test_the_hash_on_record_is_the_hash_of_the_pdf_and_a_changed_byte_fails(store):
    with store.session() as s:
        family_id = make_family(s)
        view = sign_all(s, family_id)
        pdf, _ = ops.signed_pdf(s, family_id)
        assert hashlib.sha256(pdf).hexdigest() == view.pdf_sha256
        found = verify(s, pdf)
        assert found is not None and found.source_id == view.id and found.kind == "agreement"
        tampered = bytearray(pdf)
        tampered[len(tampered) // 2] ^= 0x01
        assert verify(s, bytes(tampered)) is None


def test_a_signed_agreement_cannot_be_edited_and_changes_make_a_new_version(store):
    with store.session() as s:
        family_id = make_family(s)
        first = sign_all(s, family_id)
        with pytest.raises(ops.AgreementSigned):
            ops.update_draft(s, first.id, agencies=["school"])
        with pytest.raises(ops.AgreementSigned):
            ops.add_signature(s, first.id, "Someone", "parent", verbal_reason="x")
        with pytest.raises(ops.AgreementSigned):
            ops.remove_signature(s, first.signatures[0].id)
        second = ops.start_agreement(s, family_id, "Sam Worker")
        assert second.version_number == 2 and second.editable and second.signatures == []
        ops.update_draft(s, second.id, agencies=["school"])
        ops.add_signature(s, second.id, "Fatima Hassan-Wang", "parent", verbal_reason="phone")
        ops.add_signature(s, second.id, "Sam Worker", "worker", verbal_reason="phone")
        ops.sign_and_freeze(s, second.id)
        old = ops.get_agreement(s, first.id)
    assert old.status == "superseded"
    assert old.content == first.content and old.pdf_sha256 == first.pdf_sha256
    assert "School; Health visiting" in old.content["sections"][4]["paragraphs"][0]


def test_freezing_needs_a_family_member_and_the_worker(store):
    with store.session() as s:
        family_id = make_family(s)
        view = ops.start_agreement(s, family_id, "Sam Worker")
        ops.add_signature(s, view.id, "Sam Worker", "worker", verbal_reason="test")
        with pytest.raises(ValidationError) as err:
            ops.sign_and_freeze(s, view.id)
        assert "family member" in str(err.value)
        with pytest.raises(ValidationError):
            ops.add_signature(s, view.id, "Fatima Hassan-Wang", "parent")  # neither drawn nor verbal
        with pytest.raises(ValidationError):
            ops.update_draft(s, view.id, review_date=date.today() - timedelta(days=1))
    with store.session() as s:
        assert ops.latest_agreement(s, family_id).status == "draft"


def test_signing_date_reaches_the_timescale_facts(store):
    with store.session() as s:
        family_id = make_family(s)
        sign_all(s, family_id)
        episode = s.query(Episode).filter_by(family_id=family_id).one()
        facts = facts_for_episodes(s, [episode])[episode.id]
    assert facts.agreement_signed_on == date.today()


def test_draft_fills_the_template_from_the_record(store):
    with store.session() as s:
        family_id = make_family(s)
        view = ops.start_agreement(s, family_id, "Sam Worker")
        view = ops.update_draft(s, view.id, review_date=date.today() + timedelta(days=30))
    assert "Hassan-Wang family and Sam Worker" in view.content["intro"]
    text = content_as_text(view.content)
    assert "{" not in text  # every placeholder filled from the record
    assert f"by {(date.today() + timedelta(days=30)):%-d %B %Y}" in text
    assert "Fatima Hassan-Wang, 王 伟, Олег Hassan-Wang" in text


def test_signing_records_each_family_signers_consent_to_share(store):
    with store.session() as s:
        family_id = make_family(s)
        sign_all(s, family_id, verbal_for="王 伟")
        consents = s.query(Consent).filter_by(family_id=family_id, scope="share_information").all()
    assert sorted((c.given_by_name, c.method) for c in consents) == [
        ("Fatima Hassan-Wang", "signed"),
        ("王 伟", "verbal"),
    ]
    assert all(c.agencies == ["school", "health_visitor"] and c.given_on == date.today() for c in consents)
