import hashlib
import io
import unicodedata
from datetime import date, timedelta

import pypdf
import pytest

from ehdesk import documents
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
        pdf, _ = documents.signed_pdf(s, family_id)
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
        pdf, _ = documents.signed_pdf(s, family_id)
    drawn = [sig for sig in view.signatures if sig.image_sha256]
    assert len(drawn) == 2  # the mother and the worker; the father consented verbally
    images = [img for page in pypdf.PdfReader(io.BytesIO(pdf)).pages for img in page.images]
    assert len(images) == len(drawn)
    assert "Consent given verbally — Away working; agreed by phone" in _text(pdf)


def test_the_hash_on_record_is_the_hash_of_the_pdf_and_a_changed_byte_fails(store):
    with store.session() as s:
        family_id = make_family(s)
        view = sign_all(s, family_id)
        pdf, _ = documents.signed_pdf(s, family_id)
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
        with pytest.raises(ValidationError, match="Every adult with parental responsibility signs"):
            documents.sign_and_freeze(s, second.id)
        father = next(p for p in ops.possible_signers(s, family_id, "Sam Worker") if p.name == "王 伟")
        ops.record_not_signed(s, second.id, father.person_id, "Working abroad until March")
        documents.sign_and_freeze(s, second.id)
        old = ops.get_agreement(s, first.id)
    assert old.status == "superseded"
    assert old.content == first.content and old.pdf_sha256 == first.pdf_sha256
    sharing = next(x for x in old.content["sections"] if x["heading"] == "Sharing information")
    assert "School; Health visiting" in sharing["paragraphs"][0]


def test_freezing_needs_a_family_member_and_the_worker(store):
    with store.session() as s:
        family_id = make_family(s)
        view = ops.start_agreement(s, family_id, "Sam Worker")
        ops.add_signature(s, view.id, "Sam Worker", "worker", verbal_reason="test")
        with pytest.raises(ValidationError) as err:
            documents.sign_and_freeze(s, view.id)
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


def test_the_agreement_says_what_the_guidance_asks_and_the_family_copy_has_no_audit_page(store):

    with store.session() as s:
        family_id = make_family(s)
        view = ops.start_agreement(s, family_id, "Sam Worker")
        # A language the pack holds no template in: the family's copy stays in English.
        ops.update_draft(s, view.id, agencies=["school"], language="Ukrainian", interpreter="Olena (phone)")
        view = sign_all(s, family_id)
        office, _ = documents.render_latest("agreement", s, family_id)
        family, info = documents.render_latest("agreement-family", s, family_id)
    text = content_as_text(view.content)
    for words in (
        "Act as a social worker, a solicitor or an emergency service.",  # what the worker won't do
        "usually for up to 12 months",
        "Monday to Friday, 9am to 5pm",
        "01632 960 482",
        "In an emergency call 999.",
    ):
        assert words in text, words
    assert view.content["explained_in"] == "Ukrainian, with an interpreter (Olena (phone))"
    assert "translation" not in view.content
    office_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(office)).pages)
    family_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(family)).pages)
    assert "Audit of signatures" in office_text and "Audit of signatures" not in family_text
    assert "the family's copy" in family_text and info.document_id.endswith("-F")
    # Signed times are UK local time (GMT in December, BST in summer).
    assert " GMT" in family_text or " BST" in family_text
    assert "UTC" not in family_text


def test_signature_times_are_uk_local():
    from datetime import UTC, datetime

    from ehdesk.casework.uk_time import uk_time_words

    assert uk_time_words(datetime(2026, 7, 1, 9, 30, tzinfo=UTC)) == "1 July 2026, 10:30 BST"
    assert uk_time_words(datetime(2026, 12, 1, 9, 30, tzinfo=UTC)) == "1 December 2026, 09:30 GMT"
    assert uk_time_words(datetime(2026, 3, 29, 0, 59, tzinfo=UTC)).endswith(
        "00:59 GMT"
    )  # clocks go forward at 01:00
    assert uk_time_words(datetime(2026, 3, 29, 1, 0, tzinfo=UTC)).endswith("02:00 BST")
    assert uk_time_words(datetime(2026, 10, 25, 0, 59, tzinfo=UTC)).endswith("01:59 BST")
    assert uk_time_words(datetime(2026, 10, 25, 1, 0, tzinfo=UTC)).endswith("01:00 GMT")


def test_the_familys_copy_prints_in_their_language_where_the_pack_holds_it(store):
    # The default pack ships the agreement in Polish (resources/agreements/*.pl.json).
    with store.session() as s:
        family_id = make_family(s)
        view = ops.start_agreement(s, family_id, "Sam Worker")
        ops.update_draft(
            s,
            view.id,
            agencies=["school"],
            language="polish",  # as a worker may type it
            interpreter="Ewa Nowak",
            review_date=date(2027, 3, 5),
        )
        view = sign_all(s, family_id)
        office, _ = documents.render_latest("agreement", s, family_id)
        family, info = documents.render_latest("agreement-family", s, family_id)
        on_record, _ = documents.signed_pdf(s, family_id)
    assert office == on_record  # the office copy is the frozen one, byte for byte
    assert view.content["title"] == "Early help agreement"  # the record keeps the English
    polish = view.content["translation"]
    assert polish["language"] == "Polish"
    assert polish["intro"].startswith("Porozumienie zawierają: rodzina Hassan-Wang oraz Sam Worker")
    family_text, office_text = _text(family), _text(office)

    # The family's copy: wholly Polish, from the title to the signature block, with no audit page.
    assert info.title == "Porozumienie o wczesnej pomocy"
    for words in (
        "Porozumienie o wczesnej pomocy",
        "Rodzina EH-",  # the subtitle
        "egzemplarz dla rodziny",
        "Data przeglądu 5 marca 2027",
        "Język wyjaśnienia polski, z tłumaczem (Ewa Nowak)",
        "Wczesna pomoc nie jest służbą ratunkową",
        "zwykle trwające do 12 miesięcy",  # the pack's words, in Polish
        "Nie zastępuje pracownika socjalnego, prawnika ani służb ratunkowych.",
        "01632 960 482",  # the team's phone, as the pack has it
        "instytucjom: szkoła (School); pielęgniarka środowiskowa (Health visiting).",
        "najpóźniej 5 marca 2027",
        "Podpisy",
        "Podpisując, potwierdzam, że to porozumienie zostało mi wyjaśnione",
        "rodzic / opiekun",
        "pracownik rodzinny",
        "Strona 1 z",
    ):
        assert words in family_text, words
    for english in ("This agreement is between", "Signatures", "By signing", "Audit of signatures", "Page 1"):
        assert english not in family_text, english
    # Polish letters come out of the PDF as letters (the fonts have the glyphs).
    for letter in "ąęłóśźż":
        assert letter in family_text, letter

    # The office copy: the English on record, then the Polish the family read, each labelled, the
    # signatures under the English declaration, and the audit page.
    order = [
        "In English (the words on record)",
        "This agreement is between",
        "The same agreement in Polish, as the family read it",
        "Porozumienie zawierają",
        "The declaration in Polish",
        "Podpisując, potwierdzam",
        "Signatures",
        "By signing, I confirm",
        "Audit of signatures",
    ]
    places = [office_text.find(words) for words in order]
    assert -1 not in places and places == sorted(places), list(zip(order, places, strict=True))


def test_every_translation_keeps_the_english_templates_placeholders():
    """A translation must say the same things in the same places: same sections, same
    placeholders in each piece of text (a missing {agencies} would hide who we share with)."""
    import string

    from ehdesk.casework.agreement_templates import BASE_LANGUAGE, all_templates, get_template
    from ehdesk.pdf.agreement import LABELS

    def names(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    translations = [t for t in all_templates() if t.language != BASE_LANGUAGE]
    assert any(t.language == "Polish" for t in translations)
    for t in translations:
        english = get_template(t.id, t.version)
        assert names(t.intro) == names(english.intro)
        assert names(t.declaration) == names(english.declaration)
        assert len(t.sections) == len(english.sections)
        for ours, theirs in zip(t.sections, english.sections, strict=True):
            assert names(ours.heading) == names(theirs.heading)
            assert [names(p) for p in ours.paragraphs] == [names(p) for p in theirs.paragraphs]
            assert len(ours.bullets) == len(theirs.bullets)
            assert [b for b in ours.bullets if b.startswith("{")] == [
                b for b in theirs.bullets if b.startswith("{")
            ]
        assert len(t.months) == 12
        unknown = set(t.labels) - set(LABELS) - set(ops.ENGLISH_FALLBACKS)
        unknown -= {"language_name", "no_interpreter", "with_interpreter"}
        unknown -= {f"role_{role}" for role in ops.ROLES}
        assert not unknown, unknown


def test_the_pack_words_fall_back_to_english_where_a_language_has_none():
    from ehdesk.config.pack import current_pack

    content = current_pack().practice.agreement
    assert content.in_language("Polish").short_term_limit == "do 12 miesięcy"
    assert content.in_language("POLISH").team_phone == content.team_phone  # never translated
    assert content.in_language("Ukrainian") == content
    # Every agency the family may agree to share with has its name in Polish, and no other.
    assert set(content.agency_names("Polish")) == set(current_pack().codes("agencies"))
    assert content.agency_names("Ukrainian") == {}


def test_an_agreement_frozen_without_its_pdf_is_the_same_and_the_pdf_is_made_when_first_printed(store):
    from sqlalchemy import select

    from ehdesk.models import Agreement, AgreementSignature, AuditEvent, IssuedDocument

    def record(s, family_id, agreement_id):
        row = s.get(Agreement, agreement_id)
        signatures = s.scalars(
            select(AgreementSignature).where(AgreementSignature.agreement_id == agreement_id)
        ).all()
        consents = s.scalars(select(Consent).where(Consent.family_id == family_id)).all()
        events = s.scalars(select(AuditEvent).where(AuditEvent.family_id == family_id)).all()
        return {
            "words": row.frozen_content,
            "status": (row.status, row.signed_on, row.review_date, row.agencies),
            "signatures": sorted(
                (g.signer_name, g.role, g.image_sha256, g.verbal_reason) for g in signatures
            ),
            "consent": sorted(
                (c.given_by_name, c.scope, c.method, tuple(c.agencies), c.notes) for c in consents
            ),
            "audit": sorted((e.action, e.entity, sorted(e.detail.items())) for e in events),
        }

    with store.session() as s:
        printed_id = make_family(s)
        printed = sign_all(s, printed_id, verbal_for="王 伟")
        deferred_id = make_family(s)
        deferred = sign_all(s, deferred_id, verbal_for="王 伟", with_pdf=False)
        assert printed.pdf_sha256 and not deferred.pdf_sha256
        before = record(s, deferred_id, deferred.id)
        pdf, view = documents.signed_pdf(s, deferred_id)  # first printed: rendered, stored, issued
        again, _ = documents.signed_pdf(s, deferred_id)
        issued = s.scalars(select(IssuedDocument).where(IssuedDocument.source_id == deferred.id)).all()
        made = documents._agreement_pdf(view, ops.signature_images(s, view))
        after = record(s, deferred_id, deferred.id)
        assert record(s, printed_id, printed.id) == after
    # Before it was printed, the record held all of it but the PDF's issue.
    issue = ("change", "issued_document", [("channel", "signed"), ("kind", "agreement")])
    assert sorted([*before["audit"], issue]) == after["audit"]
    assert {k: v for k, v in before.items() if k != "audit"} == {
        k: v for k, v in after.items() if k != "audit"
    }
    assert view.pdf_sha256 == hashlib.sha256(pdf).hexdigest() and again == pdf == made
    assert [(d.channel, d.sha256) for d in issued] == [("signed", view.pdf_sha256)]


@pytest.mark.parametrize("with_pdf", [True, False])
def test_the_view_signing_returns_is_the_view_read_back(store, with_pdf):
    # sign_and_freeze builds its answer from the draft it checked instead of reading it again.
    with store.session() as s:
        family_id = make_family(s)
        signed = sign_all(s, family_id, verbal_for="王 伟", with_pdf=with_pdf)
        assert signed == ops.get_agreement(s, signed.id)


def test_start_draft_and_edit_draft_are_start_agreement_and_update_draft_without_the_view(store):
    with store.session() as s:
        shown_family, quiet_family = make_family(s), make_family(s)
        shown = ops.start_agreement(s, shown_family, "Sam Worker", today=date(2026, 1, 5))
        ops.update_draft(s, shown.id, language="Polish", review_date=date(2026, 3, 1), today=date(2026, 1, 5))
        quiet_id = ops.start_draft(s, quiet_family, "Sam Worker", today=date(2026, 1, 5))
        ops.edit_draft(s, quiet_id, language="Polish", review_date=date(2026, 3, 1), today=date(2026, 1, 5))
        a, b = ops.get_agreement(s, shown.id), ops.get_agreement(s, quiet_id)
        assert (a.status, a.version_number, a.agencies, a.review_date, a.language, a.worker_name) == (
            b.status, b.version_number, b.agencies, b.review_date, b.language, b.worker_name
        )  # fmt: skip
        assert ops.start_draft(s, quiet_family, "Sam Worker") == quiet_id  # the open draft again
        with pytest.raises(ValidationError):
            ops.edit_draft(s, quiet_id, language=" ")
