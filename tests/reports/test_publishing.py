"""Publishing: XLSX beside CSV and PDF, the management report (never suppressed, marked not for
publication on every page, for managers only, audited), two periods side by side, and a PDF
whose column headers never break inside a word."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ehdesk.cli import main
from ehdesk.config.pack import load_pack
from ehdesk.models import AuditEvent, Base, Episode, Family, Person
from ehdesk.pdf.fonts import SANS_BOLD
from ehdesk.reports.build import build_report, report_for
from ehdesk.reports.pdf_report import FONT_SIZE, PAD, column_widths
from tests.conftest import PASSWORD
from tests.reports.synthetic import build

PACK = load_pack("default")


def _fill(s: Session) -> None:
    for i, (opened, closed, worker) in enumerate(
        [(date(2025, 2, 1), None, "Ann")] * 3 + [(date(2025, 3, 1), date(2025, 5, 1), "Bob")] * 9
    ):
        family = Family(reference=f"R{i}")
        s.add(family)
        s.flush()
        s.add(
            Person(family_id=family.id, given_name="Zebedee", date_of_birth=date(2015, 5, 5), gender="male")
        )
        s.add(
            Episode(
                family_id=family.id,
                opened_on=opened,
                closed_on=closed,
                status="closed" if closed else "open",
                allocated_worker_name=worker,
                lead_professional_role='=HYPERLINK("http://x")' if i == 0 else "Family worker",
            )
        )


@pytest.fixture
def profiles_with(profiles, monkeypatch):
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)

    def make(role: str):
        profiles.create("Test Worker", PASSWORD, role=role)
        store = profiles.unlock("Test Worker", PASSWORD)
        with store.session() as s:
            _fill(s)
        store.close()

    return make


def run(*args) -> int:
    return main(["report", "--profile", "Test Worker", *args])


def test_xlsx_return_is_suppressed_with_numbers_as_numbers_and_no_formulas(profiles_with, tmp_path):
    profiles_with("practitioner")
    out = tmp_path / "return.xlsx"
    assert run("--from", "2025-01-01", "--to", "2025-12-31", "--format", "xlsx", "--out", str(out)) == 0
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "About" and "Episodes of early help" in wb.sheetnames
    about = {row[0]: row[1] for row in wb["About"].iter_rows(values_only=True)}
    assert '"c"' in about["Suppression"] and "Marking" not in about
    sheet = list(wb["Episodes of early help"].iter_rows(values_only=True))
    by_type = sheet.index(
        ("Episodes opened, closed and active, by case type",) + (None,) * (len(sheet[0]) - 1)
    )
    assert sheet[by_type + 2][:5] == ("Early help (family service)", 12, 9, "c", "c")
    # A role typed as a formula stays text in the workbook (and is suppressed as a small count).
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            assert all(cell.data_type != "f" for cell in row)


def test_a_practitioner_cannot_make_the_management_report(profiles_with, tmp_path, capsys):
    profiles_with("practitioner")
    out = tmp_path / "m.csv"
    code = run(
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "csv",
        "--kind",
        "management",
        "--out",
        str(out),
    )
    assert code != 0 and "Only a manager or an admin" in capsys.readouterr().err
    assert not out.exists()


def test_management_report_is_unsuppressed_marked_on_every_page_and_audited(
    profiles_with, profiles, tmp_path
):
    profiles_with("manager")
    csv_out, pdf_out = tmp_path / "m.csv", tmp_path / "m.pdf"
    args = ("--from", "2025-01-01", "--to", "2025-12-31", "--kind", "management")
    assert run(*args, "--format", "csv", "--out", str(csv_out)) == 0
    assert run(*args, "--format", "pdf", "--out", str(pdf_out)) == 0
    rows = list(csv.reader(io.StringIO(csv_out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["Report", "Early help management report"]
    assert rows[1][0] == "Marking" and "NOT FOR PUBLICATION" in rows[1][1] and rows[-1] == rows[1]
    start = rows.index(["Table", "Caseload by allocated worker"])
    # Small numbers as they are: Ann opened 3 and holds them open; Bob opened 9 and closed 9.
    assert rows[start + 2] == ["Ann", "3", "0", "3"]
    assert rows[start + 3] == ["Bob", "9", "9", "0"]
    assert any(r[:1] == ["Table"] and "Overdue" in r[1] for r in rows)
    pages = PdfReader(pdf_out).pages
    assert len(pages) >= 1
    assert all("NOT FOR PUBLICATION" in page.extract_text() for page in pages)
    store = profiles.unlock("Test Worker", PASSWORD)
    try:
        with store.session() as s:
            kinds = [
                e.detail.get("kind") for e in s.query(AuditEvent).filter_by(action="export", entity="report")
            ]
    finally:
        store.close()
    assert kinds == ["management", "management"]


def test_two_periods_side_by_side_match_each_period_alone(tmp_path):
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        build(s, PACK, families=120)
        this_year = report_for(s, date(2025, 4, 1), date(2026, 3, 31), pack=PACK)
        last_year = report_for(s, date(2024, 4, 1), date(2025, 3, 31), pack=PACK)
        both = report_for(
            s, date(2025, 4, 1), date(2026, 3, 31), pack=PACK, compare=(date(2024, 4, 1), date(2025, 3, 31))
        )
    engine.dispose()

    def table(report, key):
        return next(t for sec in report.sections for t in sec.tables if t.key == key)

    side = table(both, "requests_by_source")
    assert side.header[1:5] == ("Requests 2025-26", "Requests 2024-25", "% 2025-26", "% 2024-25")
    now, then = table(this_year, "requests_by_source"), table(last_year, "requests_by_source")
    for row, a, b in zip(side.rows, now.rows, then.rows, strict=True):
        assert row == (a[0], a[1], b[1], a[2], b[2])
    assert "2025-26 beside 2024-25" in both.scope


def test_pdf_headers_never_break_inside_a_word_and_the_return_is_compact():
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        build(s, PACK, families=200)
        report = report_for(s, date(2025, 1, 1), date(2025, 12, 31), pack=PACK)
        pdf = build_report(s, date(2025, 1, 1), date(2025, 12, 31), fmt="pdf", pack=PACK)
    engine.dispose()
    for section in report.sections:
        for t in section.tables:
            widths = column_widths(t.header, t.rows)
            for c, name in enumerate(t.header[1:], start=1):
                for word in name.split():
                    assert widths[c] >= stringWidth(word, SANS_BOLD, FONT_SIZE) + 2 * PAD, (t.key, word)
    pages = PdfReader(io.BytesIO(pdf)).pages
    # Every table of the return on few pages: the first release took 11 pages for far fewer tables.
    assert len(pages) <= 14
    text = "".join(page.extract_text() for page in pages)
    assert "How the figures are counted" in text and "reference date" in text


def test_supporting_families_return_for_a_manager(profiles_with, tmp_path):
    profiles_with("manager")
    out = tmp_path / "sf.csv"
    args = ("--from", "2025-01-01", "--to", "2025-12-31", "--kind", "supporting-families", "--format", "csv")
    assert run(*args, "--out", str(out)) == 0
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert (
        rows[0] == ["Report", "Supporting Families quarterly return"] and "NOT FOR PUBLICATION" in rows[1][1]
    )
    sections = [r[1] for r in rows if r[:1] == ["Section"]]
    assert sections == ["Supporting Families outcomes"]
    start = rows.index(
        ["Table", "Supporting Families: families eligible, in progress and achieved, by quarter"]
    )
    assert rows[start + 1] == ["Quarter", "In progress", "Achieved", "Eligible"]
    assert [r[0] for r in rows[start + 2 : start + 6]] == [
        "Quarter to 31/03/2025",
        "Quarter to 30/06/2025",
        "Quarter to 30/09/2025",
        "Quarter to 31/12/2025",
    ]
