"""Demo assessments are made through the casework operations, on the days of the story: each one
has the audit trail the operations write, the manager signs off and makes the threshold decision
(audited under their name), and the same seed gives the same assessments."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from ehdesk import demo
from ehdesk.casework.assessments import EHA_FORM, FEEDBACK_FORM
from ehdesk.casework.thresholds import threshold_state
from ehdesk.demo.managers import MANAGER
from ehdesk.models import Assessment, AuditEvent, Episode, Person

TODAY = date(2026, 11, 23)


def test_demo_assessments_carry_the_audit_trail_of_the_operations(store):
    demo.generate(store, 100, seed=11, today=TODAY)
    with store.session() as s:
        events: dict[tuple[str, str], list[AuditEvent]] = {}
        for e in s.scalars(select(AuditEvent).where(AuditEvent.entity.in_(("assessment", "episode")))):
            events.setdefault((e.entity, e.entity_id), []).append(e)
        episodes = {e.id: e for e in s.scalars(select(Episode))}
        people = {p.id: p for p in s.scalars(select(Person))}
        rows = s.scalars(select(Assessment)).all()
        assert {a.status for a in rows if a.form_id == EHA_FORM} == {"draft", "completed", "signed_off"}
        for a in rows:
            episode = episodes[a.episode_id]
            trail = events[("assessment", a.id)]
            assert [e.action for e in trail if e.action == "create"] == ["create"]
            completed = [e for e in trail if e.action == "change" and e.detail.get("status") == "completed"]
            signed = [e for e in trail if e.action == "sign_off"]
            assert len(completed) == (a.status != "draft")
            assert len(signed) == (a.status == "signed_off")
            assert all(e.actor == MANAGER for e in signed) and a.signed_off_by == (signed and MANAGER or "")
            # Each step dated on its day in the story: never ahead of today or after the closing.
            last_day = episode.closed_on or TODAY
            days = [d for d in (a.started_on, a.completed_on, a.signed_off_on) if d is not None]
            assert days == sorted(days) and days[-1] <= last_day
            assert a.answers.get("started_on", a.started_on.isoformat()) == a.started_on.isoformat()
            if a.form_id == FEEDBACK_FORM:
                assert a.status == "completed" and a.completed_on == episode.closed_on
            # What the member record says, the assessment says (offered by start_assessment).
            for key, value in a.answers.items():
                if key.startswith("adult_parental_responsibility@"):
                    assert value == bool(people[key.split("@")[1]].parental_responsibility)
        decided = [e for e in episodes.values() if e.threshold_decision]
        assert decided, "the demo should show some manager's threshold decisions"
        for episode in decided:
            decision = episode.threshold_decision
            assert decision["by"] == MANAGER and decision["reason"]
            audited = [
                e for e in events[("episode", episode.id)] if e.detail.get("op") == "threshold_decision"
            ]
            assert [(e.actor, e.detail["triggers"]) for e in audited] == [(MANAGER, decision["triggers"])]
        signed_off = {a.episode_id for a in rows if a.status == "signed_off" and a.form_id == EHA_FORM}
        assert not any(threshold_state(s, episode_id).needs_decision for episode_id in signed_off)
        # The worker's own acts stay in the worker's name once the manager is done.
        worker_acts = [e for e in events.values() for e in e if e.action == "create"]
        assert {e.actor for e in worker_acts} == {store.actor}


def _assessments(store) -> list[tuple]:
    """Each store's assessments without ids or the worker's own name (the profiles differ)."""
    worker = store.profile.name
    with store.session() as s:
        names = {p.id: p.full_name for p in s.scalars(select(Person))}
        rows = s.scalars(select(Assessment)).all()
        return sorted(
            (
                a.form_id,
                a.status,
                a.started_on,
                a.completed_on,
                a.signed_off_on,
                a.signed_off_by,
                sorted(
                    (
                        key.split("@")[0] + "@" + names.get(key.partition("@")[2], ""),
                        str(value).replace(worker, "WORKER"),
                    )
                    for key, value in a.answers.items()
                ),
            )
            for a in rows
        )


def test_the_same_seed_gives_the_same_demo_assessments(profiles):
    found = []
    for name in ("Alex Worker", "Bea Worker"):
        profiles.create(name, "password123")
        store = profiles.unlock(name, "password123")
        try:
            demo.generate(store, 40, seed=3, today=TODAY)
            found.append(_assessments(store))
        finally:
            store.close()
    assert found[0] and found[0] == found[1]
