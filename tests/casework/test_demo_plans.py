"""The demo data gives episodes plans, meetings, sessions and closures, with real timescale flags."""

from datetime import date

from sqlalchemy import func, select

from ehdesk.casework import sessions
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.timescales import breaches
from ehdesk.config.pack import current_pack
from ehdesk.demo import generate
from ehdesk.models import Episode
from ehdesk.models.closure import EpisodeClosure
from ehdesk.models.meeting import Meeting
from ehdesk.models.plan import PlanAction, PlanVersion


def test_demo_episodes_have_plans_meetings_sessions_closures_and_breaches(store):
    today = date(2026, 11, 23)
    generate(store, 60, seed=7, today=today)
    with store.session() as s:
        episodes = s.scalars(select(Episode)).all()
        assert episodes
        with_actions = set(s.scalars(select(PlanAction.episode_id)))
        assert with_actions == {e.id for e in episodes}
        assert s.scalar(select(func.count()).select_from(Meeting)) > len(episodes)
        assert s.scalar(select(func.count()).select_from(PlanVersion)) > 0
        closed = [e for e in episodes if e.status == "closed"]
        assert s.scalar(select(func.count()).select_from(EpisodeClosure)) == len(closed)
        assert sessions.upcoming_sessions(s, today)
        facts = facts_for_episodes(s, episodes)
    rules = current_pack().timescales
    codes = {b.code for f in facts.values() for b in breaches(f, rules, today)}
    assert {"first_taf", "review"} <= codes
    on_time = [f for f in facts.values() if f.first_taf_on and not any(
        b.code == "first_taf" for b in breaches(f, rules, today))]  # fmt: skip
    assert len(on_time) > len(facts) / 2  # most keep to the timescale
