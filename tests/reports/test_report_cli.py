"""``ehdesk report`` end to end: exit codes, plain-English errors, and files that publish only
suppressed figures."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from ehdesk.cli import main
from ehdesk.models import AuditEvent, Episode, Family, Person
from tests.conftest import PASSWORD


@pytest.fixture
def profile(store, monkeypatch):
    with store.session() as s:
        for i, (opened, closed) in enumerate(
            [(date(2025, 2, 1), None)] * 3 + [(date(2025, 3, 1), date(2025, 5, 1))] * 9
        ):
            family = Family(reference=f"R{i}")
            s.add(family)
            s.flush()
            s.add(
                Person(
                    family_id=family.id, given_name="Zebedee", date_of_birth=date(2015, 5, 5), gender="male"
                )
            )
            s.add(
                Episode(
                    family_id=family.id,
                    opened_on=opened,
                    closed_on=closed,
                    status="closed" if closed else "open",
                    case_type="early_help",
                    closure_reason="goals_achieved" if closed else "",
                )
            )
    store.close()
    monkeypatch.setenv("EHDESK_PASSWORD", PASSWORD)
    return store


def run(*args) -> int:
    return main(["report", "--profile", "Test Worker", *args])


def test_csv_return_is_suppressed_and_audited(profile, profiles, tmp_path, capsys):
    out = tmp_path / "return.csv"
    assert run("--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv", "--out", str(out)) == 0
    assert "Wrote the CSV return" in capsys.readouterr().out
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    assert rows[0] == ["Report", "Early help statistical return"]
    assert rows[5][0] == "Suppression" and '"c"' in rows[5][1]
    start = rows.index(["Table", "Episodes opened, closed and active, by case type"])
    assert rows[start + 2] == ["Early help (family service)", "12", "9", "c", "c"]
    assert rows[start + 6] == ["Total", "12", "9", "c", "c"]
    text = out.read_text(encoding="utf-8-sig")
    assert "Zebedee" not in text and "R1" not in text
    opened = profiles.unlock("Test Worker", PASSWORD)
    try:
        with opened.session() as s:
            events = s.query(AuditEvent).filter_by(action="export", entity="report").all()
        assert len(events) == 1 and events[0].detail["format"] == "csv"
    finally:
        opened.close()


def test_pdf_return(profile, tmp_path):
    out = tmp_path / "return.pdf"
    assert run("--from", "2025-01-01", "--to", "2025-12-31", "--format", "pdf", "--out", str(out)) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(out).pages)
    text = " ".join(text.split())
    assert "How figures are protected" in text and 'Counts of 1 to 5 are shown as "c"' in text
    assert "Early help (family service) 12 9 c" in text
    assert "Zebedee" not in text


@pytest.mark.parametrize(
    "args, message",
    [
        (
            ["--from", "2025-13-01", "--to", "2025-12-31"],
            "The start date '2025-13-01' is not a date: write it as YYYY-MM-DD",
        ),
        (["--from", "2025-01-01", "--to", "31/12/2025"], "The end date '31/12/2025' is not a date"),
        (["--from", "2025-06-01", "--to", "2025-01-01"], "The end of the period is before its start."),
    ],
)
def test_bad_dates_are_explained_in_one_line(profile, tmp_path, capsys, args, message):
    out = tmp_path / "r.csv"
    assert run(*args, "--format", "csv", "--out", str(out)) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_missing_folder_and_bad_format(profile, tmp_path, capsys):
    missing = tmp_path / "nowhere" / "r.csv"
    assert run("--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv", "--out", str(missing)) == 2
    assert "does not exist" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        run("--from", "2025-01-01", "--to", "2025-12-31", "--format", "xls", "--out", str(tmp_path / "r"))
    assert exc.value.code == 2


def test_download_for_the_server_endpoint(tmp_path):
    """What the server's authenticated endpoint returns, on the server's kind of database."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from ehdesk.errors import EhdeskError
    from ehdesk.models import Base, Team
    from ehdesk.reports.arguments import download

    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as s:
        team = Team(name="West")
        s.add(team)
        s.flush()
        s.add(Family(reference="W1", team_id=team.id))
        body, media, name = download(s, "2025-04-01", "2026-03-31", "csv", [team.id])
        assert media.startswith("text/csv") and name == "early-help-return-20250401-20260331.csv"
        assert "Scope,Teams: West" in body.decode("utf-8-sig")
        with pytest.raises(EhdeskError, match="YYYY-MM-DD"):
            download(s, "1 April", "2026-03-31", "pdf")
        with pytest.raises(EhdeskError, match="format"):
            download(s, "2025-04-01", "2026-03-31", "docx")
        body, media, name = download(s, "2025-04-01", "2026-03-31", "xlsx", [team.id])
        assert body[:2] == b"PK" and media.endswith("spreadsheetml.sheet") and name.endswith(".xlsx")
    engine.dispose()


def test_a_period_with_no_quarter_end_is_reported(profile, tmp_path):
    # January alone holds no quarter end: the Supporting Families quarter started in month -1.
    out = tmp_path / "january.csv"
    assert run("--from", "2025-01-01", "--to", "2025-01-31", "--format", "csv", "--out", str(out)) == 0
    assert "Quarter to 31/01/2025" in out.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    "args, message",
    [
        # Year 1 to 9999 ran for more than ten minutes (one pass per quarter) before this.
        (
            ["--from", "0001-01-01", "--to", "2025-12-31"],
            "The start date '0001-01-01' is out of range: a report's dates are in the years 1900 to 2099.",
        ),
        (
            [
                "--from",
                "2025-01-01",
                "--to",
                "2025-12-31",
                "--compare-from",
                "2024-01-01",
                "--compare-to",
                "9999-01-01",
            ],
            "The comparison end date '9999-01-01' is out of range",
        ),
    ],
)
def test_dates_out_of_range_are_refused(profile, tmp_path, capsys, args, message):
    out = tmp_path / "r.csv"
    assert run(*args, "--format", "csv", "--out", str(out)) == 2
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_a_folder_as_out_is_refused_and_nothing_is_audited(profile, profiles, tmp_path, capsys):
    assert run("--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv", "--out", str(tmp_path)) == 2
    assert capsys.readouterr().err == (
        f"ehdesk: {tmp_path} is a folder, not a file: give a file name, for example {tmp_path / 'report.csv'}.\n"
    )
    opened = profiles.unlock("Test Worker", PASSWORD)
    try:
        with opened.session() as s:
            assert s.query(AuditEvent).filter_by(action="export", entity="report").count() == 0
    finally:
        opened.close()


def test_a_file_that_cannot_be_written_leaves_no_audit_of_it(
    profile, profiles, tmp_path, capsys, monkeypatch
):
    import ehdesk.paths

    def refuse(path):
        raise OSError(28, "No space left on device", str(path))

    monkeypatch.setattr(ehdesk.paths, "open_private_file", refuse)
    out = tmp_path / "r.csv"
    assert run("--from", "2025-01-01", "--to", "2025-12-31", "--format", "csv", "--out", str(out)) == 1
    assert capsys.readouterr().err == (
        f"ehdesk: Could not use {out}: No space left on device. Nothing further was changed.\n"
    )
    monkeypatch.undo()
    opened = profiles.unlock("Test Worker", PASSWORD)
    try:
        with opened.session() as s:
            assert s.query(AuditEvent).filter_by(action="export", entity="report").count() == 0
    finally:
        opened.close()
