"""Demo data holds the team around the family, made through the casework operations (so every
record passed validation and is in the audit trail), and the same seed gives the same data."""

from datetime import date

from sqlalchemy import func, select

from ehdesk import demo
from ehdesk.casework.team_view import team_view
from ehdesk.models import AuditEvent, Episode, User
from ehdesk.models.team import (
    Allocation,
    CaseAudit,
    ChronologyEvent,
    Handover,
    NetworkTie,
    Professional,
    Supervision,
    TriageRecord,
)

MODELS = (
    Professional,
    NetworkTie,
    TriageRecord,
    Handover,
    Allocation,
    Supervision,
    CaseAudit,
    ChronologyEvent,
)


def _signature(store):
    """Every team row's values, with the worker's own name (the profile's) taken out."""
    name = f"'{store.profile.name}'"
    with store.session() as s:
        return {
            m.__tablename__: sorted(
                str(r).replace(name, "'WORKER'") for r in s.execute(select(*[c for c in m.__table__.columns if c.name not in
                                                   ("id", "created_at", "updated_at", "client_changed_at", "family_id",
                                                    "episode_id", "referral_id", "consent_id", "allocated_to_id",
                                                    "worker_id", "previous_worker_id", "follows_audit_id", "child_ids")]))
            )
            for m in MODELS
        }  # fmt: skip


def test_demo_has_every_team_record_made_through_casework(profiles):
    profiles.create("A", "password123")
    store = profiles.unlock("A", "password123")
    try:
        demo.generate(store, 80, seed=5, today=date(2026, 6, 1))
        with store.session() as s:
            counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in MODELS}
            assert all(n > 0 for n in counts.values()), counts
            audited = set(s.scalars(select(AuditEvent.entity).distinct()))
            assert {m.__tablename__ for m in MODELS} <= audited
            # The demo team: the worker and colleagues share the families; reallocated cases moved.
            me = s.get(User, store.worker_id)
            view = team_view(s, me.team_id, date(2026, 6, 1))
            assert len([r for r in view.rows if r.caseload]) >= 3
            assert sum(r.caseload for r in view.rows) == s.scalar(
                select(func.count()).select_from(Episode).where(Episode.status == "open")
            )
            assert view.unallocated
        first = _signature(store)
    finally:
        store.close()
    profiles.create("B", "password123")
    again = profiles.unlock("B", "password123")
    try:
        demo.generate(again, 80, seed=5, today=date(2026, 6, 1))
        assert _signature(again) == first
    finally:
        again.close()


def test_demo_step_up_closures_rest_on_their_handover_records(profiles):
    """A worker closing as stepped up gives the handover with the closing; the demo's step-up
    closures link theirs, with no "no handover" gap papered over by a manager's override."""
    from ehdesk.models.closure import EpisodeClosure

    profiles.create("A", "password123")
    store = profiles.unlock("A", "password123")
    try:
        demo.generate(store, 80, seed=5, today=date(2026, 6, 1))
        with store.session() as s:
            stepped = s.scalars(select(EpisodeClosure).where(EpisodeClosure.reason == "stepped_up")).all()
            assert stepped
            for row in stepped:
                handover = s.get(Handover, row.handover_id)
                assert handover is not None and handover.direction == "step_up"
                assert not any("step-up handover" in m for m in row.missing)
    finally:
        store.close()
