"""The council-wide statistical return from the server: the same suppressed figures as the
laptop's report, for managers (their teams) and admins (everyone), never for practitioners."""

from __future__ import annotations

from datetime import date, timedelta

from ehdesk.models import Episode
from ehdesk.server.cli import main as server_main
from ehdesk.sync import protocol as p
from tests.server.test_api import Api


def _period() -> dict:
    today = date.today()
    return {"schema_version": p.SCHEMA_VERSION, "from": str(today - timedelta(days=365)), "to": str(today)}


def test_managers_and_admins_download_the_return_and_practitioners_cannot(server, laptops):
    ann = laptops("ann")
    family_id = ann.add_family("EH-R1", members=2)
    with ann.store.session() as s:
        s.add(Episode(family_id=family_id, opened_on=date.today() - timedelta(days=30)))
    ann.sync()

    refused = Api(server, "ann").http.get("/v1/reports/return", params=_period())
    assert refused.status_code == 403
    assert "managers and admins" in refused.json()["detail"]

    boss = Api(server, "boss").http.get("/v1/reports/return", params=_period())
    assert boss.status_code == 200
    assert boss.headers["content-type"].startswith("text/csv")
    assert "attachment" in boss.headers["content-disposition"]
    lines = boss.text.splitlines()
    assert "Scope,All families held" in lines
    # One episode opened: published as "c", never as 1.
    assert "Early help (family service),c,0,c,c" in lines

    # The council-wide return gives the laptop's figures for the same families, table by table.
    from ehdesk.reports.build import build_report

    period = _period()
    with ann.store.session() as s:
        laptop = build_report(
            s, date.fromisoformat(period["from"]), date.fromisoformat(period["to"]), None, "csv"
        ).decode("utf-8-sig")
    tables = lines[lines.index("Section,Episodes of early help") :]
    assert laptop.splitlines()[laptop.splitlines().index("Section,Episodes of early help") :] == tables

    pdf = Api(server, "meg").http.get("/v1/reports/return", params={**_period(), "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")

    bad = Api(server, "boss").http.get("/v1/reports/return", params={**_period(), "from": "01/02/2026"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["detail"]


def test_server_report_command_writes_the_whole_council_return(tmp_path, capsys):
    data = str(tmp_path / "server")
    out = tmp_path / "return.csv"
    today = date.today()
    code = server_main(
        [
            "--data-dir",
            data,
            "report",
            "--from",
            str(today - timedelta(days=90)),
            "--to",
            str(today),
            "--format",
            "csv",
            "--out",
            str(out),
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert out.read_text(encoding="utf-8").strip()
    assert "Wrote the council-wide CSV return" in capsys.readouterr().out
    management = tmp_path / "management.csv"
    period = ["--from", str(today - timedelta(days=90)), "--to", str(today), "--format", "csv"]
    code = server_main(
        ["--data-dir", data, "report", *period, "--kind", "management", "--out", str(management)]
    )
    # Said as what it is: not the return, and not for publication.
    assert code == 0 and "management report (not for publication)" in capsys.readouterr().out
    code = server_main(
        [
            "--data-dir",
            data,
            "report",
            "--from",
            "2026-13-01",
            "--to",
            str(today),
            "--format",
            "csv",
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2 and "YYYY-MM-DD" in err and err.count("\n") == 1
