"""An open family record shows what a sync brought (issue 14): a colleague renames the household
and adds an outcome to the plan; the worker who has the record open sees both after her next sync,
without going back to the caseload."""

from __future__ import annotations

from datetime import date

from ehdesk.casework import plans
from ehdesk.models import Episode, Family
from ehdesk.ui.main_window import MainWindow
from ehdesk.ui.plan.tab import PlanTab
from tests.sync.harness import PASSWORD, Laptop, drop_server, make_server
from tests.ui.conftest import sign_in


def test_an_open_record_shows_what_a_sync_pulled(qtbot, tmp_path):
    server = make_server("sqlite", tmp_path)
    try:
        ann = Laptop(tmp_path, "ann", server.base_url, backoff=0.01)
        bob = Laptop(tmp_path, "bob", server.base_url, backoff=0.01)
        ann_worker = ann.store.worker_id
        ann.store.close()
        family_id = bob.add_family("EH-SYNC1", members=2)
        with bob.store.session() as s:
            episode = Episode(
                family_id=family_id,
                opened_on=date.today(),
                allocated_worker_id=ann_worker,
                allocated_on=date.today(),
                allocated_worker_name="ann",
            )
            s.add(episode)
            s.flush()
            episode_id = episode.id
        bob.sync()

        window = MainWindow(ann.data_dir)
        qtbot.addWidget(window)
        window.show()
        sign_in(qtbot, window, "ann", PASSWORD)
        qtbot.waitUntil(lambda: "1 open case" in window.workspace.page.summary.text(), timeout=20_000)
        window.workspace.open_family(family_id)
        record = window.workspace.record
        qtbot.waitUntil(lambda: record.is_loaded, timeout=10_000)
        plan = next(t for t in record.feature_tabs if isinstance(t, PlanTab))
        qtbot.waitUntil(lambda: plan.screen is not None and plan.pending == 0, timeout=5000)
        assert record.title.text() == "Household"
        assert plan.tree.topLevelItemCount() == 0

        # Bob, on his laptop: a new name for the household and an outcome on the plan.
        bob.edit(Family, family_id, household_name="Okafor household")
        with bob.store.session() as s:
            plans.add_outcome(
                s,
                episode_id,
                {
                    "what_will_be_different": "Mornings are calm",
                    "for_whom": "Ade",
                    "how_we_will_know": "Scale 7+",
                },
            )
        bob.sync()

        with qtbot.waitSignal(window.sync_bridge.finished, timeout=20_000):
            window.sync_bridge.sync_now()
        qtbot.waitUntil(lambda: record.title.text() == "Okafor household", timeout=5000)
        qtbot.waitUntil(lambda: plan.tree.topLevelItemCount() == 1, timeout=5000)
        assert plan.tree.topLevelItem(0).text(0) == "Mornings are calm"
        assert record.household.form.fields["household_name"].text() == "Okafor household"
        window.lock()
        bob.close()
    finally:
        drop_server(server)
