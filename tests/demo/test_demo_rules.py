"""Demo data holds to the practice rules: generate, then re-check every rule on every episode."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from ehdesk.casework.caseload import caseload
from ehdesk.casework.plan_who import who_not_involved
from ehdesk.casework.record_check import episode_problems
from ehdesk.config.pack import current_pack
from ehdesk.demo import generate
from ehdesk.demo.names import CULTURES
from ehdesk.demo.team import ACTION_OVERDUE_AT_MOST_DAYS
from ehdesk.models import Agreement, Episode, Person
from ehdesk.models.closure import EpisodeClosure
from ehdesk.models.meeting import Meeting
from ehdesk.models.plan import PlanAction
from ehdesk.models.session_note import SessionNote
from ehdesk.models.team import CaseAudit, Supervision

POLISH_SURNAMES = next(c[4] for c in CULTURES if c[5] == "Polish")


TODAY = date(2026, 11, 23)


def test_every_demo_episode_passes_every_rule(store):
    generate(store, 80, seed=11, today=TODAY)
    with store.session() as s:
        episodes = s.scalars(select(Episode)).all()
        problems = {e.id: episode_problems(s, e.id, TODAY) for e in episodes}
        workers = {e.allocated_worker_id for e in episodes if e.status == "open"}
        cases = [row for w in workers for row in caseload(s, w, TODAY)]
        reviewed = s.scalars(select(Agreement).where(Agreement.version_number > 1)).all()
        closures = s.scalars(select(EpisodeClosure)).all()
        done = {a.episode_id for a in s.scalars(select(PlanAction).where(PlanAction.status == "done"))}
        people = s.scalars(select(Person)).all()
        meetings = s.scalars(select(Meeting).order_by(Meeting.held_on)).all()
        s_notes = s.scalars(select(SessionNote).where(SessionNote.status == "held")).all()
        last_reviews = {m.episode_id: m.review_outcome for m in meetings if m.review_outcome}
        who_gaps = {e.id: who_not_involved(s, e.id, TODAY) for e in episodes if e.status == "open"}
    assert {k: v for k, v in problems.items() if v} == {}
    # Everyone the plan gives an action to is on the family's list of professionals involved.
    assert {k: v for k, v in who_gaps.items() if v} == {}
    # The worker reviews agreements at the TAF reviews, so the caseload is a realistic mix, not
    # most cases overdue for an agreement review.
    assert reviewed and all(a.signed_on > TODAY - timedelta(days=700) for a in reviewed)
    overdue = [c for c in cases if c.overdue]
    review_overdue = [c for c in overdue if c.next_due_label.startswith("Review the early help agreement")]
    assert cases and len(overdue) <= len(cases) / 2
    assert len(review_overdue) <= len(cases) / 5
    # "Goals achieved" only where something was done.
    achieved = [c for c in closures if c.reason == "goals_achieved"]
    assert achieved and all(c.episode_id in done for c in achieved)
    # ... and the record bears it out: an outcome achieved, and no last review that found things worse.
    assert all("achieved" in c.outcome_results.values() for c in achieved if c.outcome_results)
    assert not [c for c in achieved if last_reviews.get(c.episode_id) == "deterioration"]
    escalated = [c for c in closures if c.reason == "stepped_up"]
    assert escalated and not [c for c in escalated if last_reviews.get(c.episode_id) == "positive_change"]
    # At a first TAF nothing has changed yet; at a review, what people say fits its outcome.
    said = {
        m.id: " ".join(u["text"] for u in [*m.family_updates, *m.practitioner_updates]).lower()
        for m in meetings
    }
    first = [m for m in meetings if m.kind == "initial_taf"]
    worse = [m for m in meetings if m.review_outcome == "deterioration"]
    assert first and not [m.id for m in first if "better" in said[m.id] or "improving" in said[m.id]]
    assert worse and not [m.id for m in worse if "better" in said[m.id] or "improving" in said[m.id]]
    # Every agency a meeting lists is one the pack names, so "Check against who is involved"
    # finds the lead professional there (as "Family service" they were listed as absent).
    labels = {c.label for c in current_pack().agencies} | {""}
    assert not {a.get("agency", "") for m in meetings for a in m.attendees or []} - labels
    # A review the manager let stand without a new reading says so on the family's record.
    overridden = [m for m in meetings if m.override_reason]
    assert overridden and all(
        m.override_missing == ["no new progression reading had been taken"] for m in overridden
    ), {m.id: m.override_missing for m in overridden}
    # A case's session notes follow on from each other, not one note copied to every visit.
    purposes = defaultdict(list)
    for n in s_notes:
        purposes[n.episode_id].append((n.notes or {}).get("purpose", ""))
    repeated = [e for e, seen in purposes.items() if len(seen) != len(set(seen))]
    assert purposes and repeated == []
    # No child is older than a parent's age less 16 (a mother of 19 had a son of 13).
    born = defaultdict(lambda: {"parents": [], "children": []})
    for p in people:
        if p.date_of_birth and p.relationship in ("mother", "father"):
            born[p.family_id]["parents"].append(p.date_of_birth)
        elif p.date_of_birth and p.role == "child":
            born[p.family_id]["children"].append(p.date_of_birth)
    too_old = [
        f
        for f, b in born.items()
        if b["children"]
        and b["parents"]
        and min(b["children"]) < max(b["parents"]) + timedelta(days=16 * 365)
    ]
    assert born and too_old == []
    # No mother and daughter (or any two in a family) share a first name.
    names = defaultdict(list)
    for p in people:
        names[p.family_id].append(p.given_name)
    assert all(len(set(n)) == len(n) for n in names.values() if "Baby" not in n)
    # Women and girls carry the feminine form of a Polish surname.
    polish_women = [
        p for p in people if p.gender == "female" and p.family_name.endswith(("ska", "cka", "ski", "cki"))
    ]
    assert polish_women and all(p.family_name.endswith(("ska", "cka")) for p in polish_women)
    assert all(
        p.family_name in POLISH_SURNAMES
        for p in people
        if p.gender == "male" and p.family_name.endswith("ski")
    )


# (300, 1) is the demo profile itself (ui/demo_profile.py: DEMO_FAMILIES families, seed 1).
@pytest.mark.parametrize(("families", "seed"), [(40, 1), (80, 9), (300, 1)])
def test_what_is_overdue_in_the_demo_is_overdue_by_weeks_not_years(store, families, seed):
    """The app's demo caseload opened on cases a year and a half old that had never held a TAF
    ("First TAF meeting", overdue since 29 June 2025), never had their agreement signed, or had
    waited six months for the manager's 12-month sign-off. Seed 1's 40 families had the first;
    seed 9's 80 families the other two. Then the demo profile itself (300 families, seed 1)
    opened on "Action from supervision or audit", overdue since 24 October 2025 (an audit's
    action never done), and seed 1's 40 families had a supervision action open since October
    2025. And the demo profile's family records said "next booked for" TAF dates weeks gone."""
    generate(store, families, seed=seed, today=TODAY)
    with store.session() as s:
        # (what set it, its date, the action), for every action from supervision or an audit
        set_by = [
            (r, r.held_on) for r in s.scalars(select(Supervision).where(Supervision.deleted.is_(False)))
        ]
        audits = {r.id: r for r in s.scalars(select(CaseAudit).where(CaseAudit.deleted.is_(False)))}
        set_by += [(r, r.audited_on) for r in audits.values()]
        actions = [(type(r).__name__, on, a) for r, on in set_by for a in r.actions]
        # (re-audit date, an action of the audit it follows)
        followed = [(r.audited_on, a) for r in audits.values() if r.follows_audit_id
                    for a in audits[r.follows_audit_id].actions]  # fmt: skip
        met = set(s.scalars(select(Meeting.episode_id)))
        signed = set(
            s.scalars(select(Agreement.episode_id).where(Agreement.status.in_(("signed", "superseded"))))
        )
        long_open = [
            e
            for e in s.scalars(select(Episode).where(Episode.status == "open"))
            if (TODAY - (e.allocated_on or e.opened_on)).days > 200
        ]
        workers = {e.allocated_worker_id for e in long_open}
        cases = [row for w in workers for row in caseload(s, w, TODAY)]
        # The next TAF booked at each open case's last completed meeting.
        open_cases = set(s.scalars(select(Episode.id).where(Episode.status == "open")))
        booked = {
            m.episode_id: m.next_meeting_on
            for m in s.scalars(select(Meeting).where(Meeting.status == "completed").order_by(Meeting.held_on))
            if m.episode_id in open_cases
        }
    assert long_open and [e.id for e in long_open if e.id not in met] == []
    assert [e.id for e in long_open if e.id not in signed] == []
    waiting = [
        c.reference
        for c in cases
        if c.next_due_label.startswith("12-month limit") and c.next_due_on < TODAY - timedelta(days=60)
    ]
    assert cases and waiting == []
    # An action from supervision or an audit is done, or overdue by weeks at most; done after the
    # supervision or audit that set it and not in the future; and an audit's actions are done by
    # the re-audit that follows it (which says "Actions from the last audit completed.").
    oldest = (TODAY - timedelta(days=ACTION_OVERDUE_AT_MOST_DAYS)).isoformat()
    assert actions
    assert [(k, on, a) for k, on, a in actions if not a["done_on"] and a["due_on"] < oldest] == []
    done = [(k, on, a) for k, on, a in actions if a["done_on"]]
    assert [(k, on, a) for k, on, a in done if not on.isoformat() < a["done_on"] <= TODAY.isoformat()] == []
    assert [(on, a) for on, a in followed if not a["done_on"] or a["done_on"] > on.isoformat()] == []
    shown = [c.next_due_on for c in cases if c.next_due_label == "Action from supervision or audit"]
    assert [d for d in shown if d.isoformat() < oldest] == []
    # An open case's next TAF is booked for a day still to come: the family record said "next
    # booked for" a date up to seven weeks gone, with nothing held since (the demo profile, 5 of
    # its 67 open cases that had met).
    assert booked and [on for on in booked.values() if on is not None and on <= TODAY] == []


def test_the_re_check_finds_a_record_that_claims_what_did_not_happen(store):
    from tests.casework.rules_helpers import WORKER_ATTENDS, add_plan, make_family

    with store.session() as s:
        ids = make_family(s)
        _, action_id = add_plan(s, ids["episode"])
        s.get(PlanAction, action_id).rag = "green"  # written straight to the store: no reason
        s.add(
            Meeting(
                family_id=ids["family"], episode_id=ids["episode"], kind="initial_taf", held_on=date(2026, 3, 1),
                attendees=[WORKER_ATTENDS], status="completed", completed_on=date(2026, 2, 1), counts_as_taf=True,
            )
        )  # fmt: skip
        s.add(
            EpisodeClosure(
                family_id=ids["family"], episode_id=ids["episode"], closed_on=date(2026, 4, 1), reason="goals_achieved"
            )
        )  # fmt: skip
        s.add(
            Agreement(
                family_id=ids["family"], episode_id=ids["episode"], template_id="t", template_version=1,
                status="signed", signed_on=date(2026, 2, 1), version_number=1, review_date=None,
            )
        )  # fmt: skip
        s.flush()
        found = " | ".join(episode_problems(s, ids["episode"]))
    assert "closed as Goals achieved but: No action in the plan is done" in found
    assert "has a RAG set by hand with no reason" in found
    assert "was completed before it happened" in found and "counts as a TAF without the quorum" in found
    assert "has no signature from an adult with parental responsibility" in found
    assert "is not signed by the worker" in found and "has no review date" in found


def test_every_demo_record_was_made_by_a_casework_operation(store):
    """The demo records its families' stories through the operations a worker's entries go
    through, so each record has the audit event its operation writes (the operations that make
    a record inside another's act, e.g. a plan version frozen by completing a meeting or the
    consent given by signing the agreement, are audited with that act)."""
    from ehdesk.models import AuditEvent, Consent, Family, Reading, Referral
    from ehdesk.models.plan import PlanOutcome
    from ehdesk.models.session_note import SessionNote

    generate(store, 40, seed=3, today=TODAY)
    with store.session() as s:
        audited = set(s.scalars(select(AuditEvent.entity_id)))
        closed = {c.episode_id for c in s.scalars(select(EpisodeClosure))}
        missing = {}
        for model in (Family, Person, Referral, Consent, Episode, PlanOutcome, PlanAction, Meeting, Reading,
                      SessionNote, Agreement):  # fmt: skip
            rows = s.scalars(select(model)).all()
            assert rows, model.__tablename__
            if model is Consent:  # consent given by signing the agreement is audited with the signing
                rows = [r for r in rows if not r.notes.startswith("Given in the early help agreement")]
            missing[model.__tablename__] = [r.id for r in rows if r.id not in audited]
        closures = [e for e in s.scalars(select(Episode)) if e.status == "closed"]
    assert {k: v for k, v in missing.items() if v} == {}
    # Each closed case was closed by close_episode, which writes its closure record.
    assert closures and {e.id for e in closures} <= closed
