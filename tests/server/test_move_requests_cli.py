"""``ehdesk-server admin move-requests`` lists the families managers asked to move, until the
move is made."""

from datetime import date

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from ehdesk.models import Family
from ehdesk.models.team import TeamMoveRequest
from ehdesk.server.cli import main as server_main
from ehdesk.server.db import default_url


def test_move_requests_are_listed_until_the_move_closes_them(tmp_path, capsys):
    data = tmp_path / "server"
    for team in ("North", "South"):
        assert server_main(["--data-dir", str(data), "admin", "create-team", "--name", team]) == 0
    assert server_main(["--data-dir", str(data), "admin", "move-requests"]) == 0
    assert "No family is waiting to move." in capsys.readouterr().out
    engine = create_engine(default_url(data))
    with Session(engine) as s, s.begin():
        from ehdesk.models import Team

        north, south = (s.query(Team).filter_by(name=n).one().id for n in ("North", "South"))
        family = Family(reference="EH-9", household_name="Hill", team_id=north)
        s.add(family)
        s.flush()
        s.add(TeamMoveRequest(family_id=family.id, to_team_id=south, reason="Moved to Southtown.",
                              requested_by="Mo", requested_on=date(2026, 5, 1)))  # fmt: skip
        family_id = family.id
    engine.dispose()
    assert server_main(["--data-dir", str(data), "admin", "move-requests"]) == 0
    out = capsys.readouterr().out
    assert f"2026-05-01  {family_id}  EH-9: North -> South, asked by Mo: Moved to Southtown." in out
    assert (
        server_main(
            ["--data-dir", str(data), "admin", "move-family", "--family", family_id, "--team", "South"]
        )
        == 0
    )
    capsys.readouterr()
    assert server_main(["--data-dir", str(data), "admin", "move-requests"]) == 0
    assert "No family is waiting to move." in capsys.readouterr().out
