"""One date style across the app, chosen by the council pack: a council that writes 05/12/2026
sees that on every screen, one that writes 5 December 2026 sees that."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from ehdesk.config import settings as settings_module
from ehdesk.config.dates import show_date, show_time
from ehdesk.config.pack import packs_dir
from ehdesk.ui import sweep
from ehdesk.ui.main_window import MainWindow
from tests.ui.conftest import sign_in


def _use_pack_with_style(tmp_path, monkeypatch, style: str) -> None:
    pack = json.loads((packs_dir() / "default" / "pack.json").read_text(encoding="utf-8"))
    pack["date_style"] = style
    path = tmp_path / f"pack-{style}.json"
    path.write_text(json.dumps(pack), encoding="utf-8")
    config = tmp_path / f"ehdesk-{style}.toml"
    config.write_text(f'council_pack = "{path.as_posix()}"\n', encoding="utf-8")
    monkeypatch.setenv("EHDESK_CONFIG", str(config))
    settings_module.device_settings.cache_clear()


def _shown_dates(qtbot, data_dir) -> tuple[str, str]:
    """The caseload's When column (next due) and the family overview's case card, as a worker sees them."""
    window = MainWindow(data_dir)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    try:
        qtbot.waitExposed(window)
        sign_in(qtbot, window, sweep.SWEEP_WORKER, sweep.SWEEP_PASSWORD)
        model = window.workspace.page.model
        row = next(r for r, rec in enumerate(model.rows) if rec.next_due_on)
        allocated = model.data(model.index(row, 6)).removeprefix("⚠ Overdue since ")
        window.workspace.open_family(model.rows[row].family_id)
        qtbot.waitUntil(
            lambda: window.workspace.record is not None and window.workspace.record.is_loaded, timeout=10_000
        )
        record = window.workspace.record
        qtbot.waitUntil(lambda: record.overview.overview is not None, timeout=10_000)
        case_card = record.overview.cards["case"].text()
        return allocated, case_card
    finally:
        window.lock()


def test_the_council_pack_chooses_the_date_style_on_the_caseload_and_the_family_overview(
    qtbot, data_dir, tmp_path, monkeypatch
):
    sweep.make_sweep_profile(data_dir)
    _use_pack_with_style(tmp_path, monkeypatch, "numeric")
    allocated, case_card = _shown_dates(qtbot, data_dir)
    assert re.fullmatch(r"\d\d/\d\d/20\d\d", allocated)
    assert re.search(r"Open since \d\d/\d\d/20\d\d", case_card)

    _use_pack_with_style(tmp_path, monkeypatch, "long")
    allocated_long, case_card_long = _shown_dates(qtbot, data_dir)
    day, month, year = allocated.split("/")
    assert allocated_long == show_date(date(int(year), int(month), int(day)), "long")
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ 20\d\d", allocated_long)
    assert re.search(r"Open since \d{1,2} [A-Z][a-z]+ 20\d\d", case_card_long)


@pytest.mark.parametrize(
    "style, day, moment",
    [
        ("long", "5 December 2026", "1 July 2026 at 10:30"),
        ("short", "5 Dec 2026", "1 Jul 2026 at 10:30"),
        ("numeric", "05/12/2026", "01/07/2026 at 10:30"),
    ],
)
def test_each_style_and_uk_summer_time(style, day, moment):
    from datetime import UTC, datetime

    assert show_date(date(2026, 12, 5), style) == day
    assert show_time(datetime(2026, 7, 1, 9, 30, tzinfo=UTC), style) == moment  # BST
    assert show_date(None) == ""
