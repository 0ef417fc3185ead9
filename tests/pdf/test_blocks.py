import io
import unicodedata

import pypdf

from ehdesk.demo.signatures import synthetic_signature
from ehdesk.pdf import blocks
from ehdesk.pdf.blocks import DocumentInfo, audit_page, build_pdf, bullet_list, para

INFO = DocumentInfo(
    title="Test document", council_name="Test Council", document_id="DOC-1", content_hash="ab" * 32
)


def _pages(pdf: bytes):
    return pypdf.PdfReader(io.BytesIO(pdf)).pages


def test_same_content_gives_the_same_bytes():
    story = lambda: [para("Hello"), *bullet_list(["one", "two"])]  # noqa: E731
    assert build_pdf(INFO, story()) == build_pdf(INFO, story())


def test_names_in_every_script_keep_their_punctuation_and_extract():
    pdf = build_pdf(INFO, [para("Members: 王 伟, Олег Smith, ليلى Khalil, Zoë Nowak.")])
    text = unicodedata.normalize("NFKC", _pages(pdf)[0].extract_text())
    assert "王 伟, Олег Smith," in text  # the comma after a CJK name is not lost
    assert "ليلى" in text and "Khalil, Zoë Nowak." in text


def test_audit_page_starts_a_new_page_and_footer_numbers_pages():
    pdf = build_pdf(INFO, [para("Body"), *audit_page([("Ann", "Parent", "Drawn", "1 May 2026", "laptop")])])
    pages = _pages(pdf)
    assert len(pages) == 2
    assert "Audit of signatures" in pages[1].extract_text()
    assert "Page 2 of 2" in pages[1].extract_text() and "Document DOC-1" in pages[0].extract_text()


def test_council_logo_from_the_pack_is_drawn_on_every_page(tmp_path, monkeypatch):
    logo = tmp_path / "logo.png"
    logo.write_bytes(synthetic_signature(0))
    monkeypatch.setattr(blocks, "council_logo", lambda: logo)
    pdf = build_pdf(INFO, [para("Body"), blocks.page_break(), para("More")])
    assert [len(p.images) for p in _pages(pdf)] == [1, 1]
