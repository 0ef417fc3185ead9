"""Re-checking a stored episode against the practice rules: what the record claims that the
rules would have refused, unless a manager overrode it with a reason. Used to prove that demo
data (and data imported or synced from older versions) holds to the same rules as live work."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import closure, meetings
from ehdesk.casework.assessments import EHA_FORM, engine_for, get_assessment, quality_problems
from ehdesk.casework.episode_access import episode_or_404
from ehdesk.casework.families import members as members_of
from ehdesk.casework.thresholds import threshold_state
from ehdesk.config.dates import show_date
from ehdesk.models import Agreement, AgreementSignature, Assessment
from ehdesk.models.meeting import Meeting
from ehdesk.models.plan import PlanAction, PlanOutcome, PlanVersion
from ehdesk.models.session_note import SessionNote

# Words that mark text nobody really wrote.
PLACEHOLDERS = ("lorem", "placeholder", "todo", "xxx", "see the case notes", "{")


def episode_problems(session: Session, episode_id: str, today: date | None = None) -> list[str]:
    today = today or date.today()
    episode = episode_or_404(session, episode_id)
    found: list[str] = []
    found += _agreement_problems(session, episode)
    for note in session.scalars(
        select(SessionNote).where(
            SessionNote.episode_id == episode_id, SessionNote.deleted.is_(False), SessionNote.status == "held"
        )
    ):
        if note.session_on > today:
            found.append(f"a session dated {note.session_on:%d %b %Y} is recorded as held before it happened")
    closed = closure.get_closure(session, episode_id)
    if closed is not None and not closed.override_reason:
        missing = closure.missing_items(session, episode_id, closed.reason, closed.outcome_results)
        found += [f"closed as {closed.reason_label} but: {m}" for m in missing]
    outcomes = {
        o.id: o
        for o in session.scalars(
            select(PlanOutcome).where(PlanOutcome.episode_id == episode_id, PlanOutcome.deleted.is_(False))
        )
    }
    for action in session.scalars(
        select(PlanAction).where(PlanAction.episode_id == episode_id, PlanAction.deleted.is_(False))
    ):
        if action.outcome_id not in outcomes:
            found.append(f"the action “{action.what}” is not under an outcome of this plan")
        if action.rag and not action.rag_reason:
            found.append(f"the action “{action.what}” has a RAG set by hand with no reason")
    versions = {
        v.meeting_id: v
        for v in session.scalars(select(PlanVersion).where(PlanVersion.episode_id == episode_id))
    }
    for m in session.scalars(
        select(Meeting).where(
            Meeting.episode_id == episode_id, Meeting.deleted.is_(False), Meeting.status == "completed"
        )
    ):
        when = f"the {meetings.KIND_LABELS.get(m.kind, m.kind)} of {show_date(m.held_on)}"
        if (m.completed_on and m.completed_on < m.held_on) or m.held_on > today:
            found.append(f"{when} was completed before it happened")
        if m.override_reason:
            continue
        if m.counts_as_taf and meetings.quorum_problems(m.attendees):
            found.append(f"{when} counts as a TAF without the quorum")
        if m.kind in ("taf_review", "closure"):
            agreed = versions.get(m.id)
            ids = {o["id"] for o in agreed.snapshot} if agreed else set()
            reviewed = {r["outcome_id"] for r in m.outcome_reviews or []}
            if not ids or ids - reviewed:
                found.append(f"{when} did not review each outcome of the plan")
    for a in session.scalars(
        select(Assessment).where(
            Assessment.episode_id == episode_id,
            Assessment.deleted.is_(False),
            Assessment.status.in_(("completed", "signed_off")),
        )
    ):
        answers = dict(a.answers or {})
        found += [f"a completed assessment: {p}" for p in quality_problems(answers).values()]
        view = get_assessment(session, a.id, audit_view=False)
        found += [
            f"a completed {a.form_id} leaves {key.split('@')[0]} wrong: {message}"
            for key, message in engine_for(view).validate(answers).items()
        ]
        for key, value in answers.items():
            if isinstance(value, str) and any(p in value.lower() for p in PLACEHOLDERS):
                found.append(f"an assessment answer ({key.split('@')[0]}) holds placeholder text")
            if key.startswith("voice_how@") and value == "not_seen":
                person = key.split("@", 1)[1]
                if (
                    not answers.get(f"voice_not_seen_reason@{person}")
                    and a.form_id == EHA_FORM
                    and a.form_version > 1
                ):
                    found.append("a child not yet seen has no reason and plan to see them")
        if (
            a.form_id == EHA_FORM
            and a.status == "signed_off"
            and threshold_state(session, episode_id, answers).needs_decision
        ):
            found.append("an assessment was signed off without the manager's threshold decision")
    del episode  # found only to say "no such case" plainly
    return found


def _agreement_problems(session: Session, episode) -> list[str]:
    """A signed agreement says who signed: every adult with parental responsibility (or why they
    did not), and the worker; it has a review date and the language it was explained in; and only
    one version is in force."""
    found: list[str] = []
    rows = session.scalars(
        select(Agreement).where(
            Agreement.episode_id == episode.id,
            Agreement.deleted.is_(False),
            Agreement.status.in_(("signed", "superseded")),
        )
    ).all()
    if not rows:
        return found
    if sum(1 for a in rows if a.status == "signed") > 1:
        found.append("more than one version of the agreement is in force")
    parents = [
        p for p in members_of(session, episode.family_id) if p.role == "adult" and p.parental_responsibility
    ]
    signatures: dict[str, list[AgreementSignature]] = {}
    for sig in session.scalars(
        select(AgreementSignature).where(AgreementSignature.agreement_id.in_([a.id for a in rows]))
    ):
        signatures.setdefault(sig.agreement_id, []).append(sig)
    for a in rows:
        which = f"the agreement (version {a.version_number})"
        signed = signatures.get(a.id, [])
        accounted = {s.person_id for s in signed if s.person_id} | {s.signer_name for s in signed}
        for p in parents:
            if p.id not in accounted and p.full_name not in accounted:
                found.append(f"{which} has no signature from an adult with parental responsibility, nor why")
        if not any(s.role == "worker" for s in signed):
            found.append(f"{which} is not signed by the worker")
        if not any(s.role in ("parent", "other_adult", "young_person") for s in signed):
            found.append(f"{which} is signed by no one in the family")
        if a.review_date is None:
            found.append(f"{which} has no review date")
        if not a.language:
            found.append(f"{which} does not say the language it was explained in")
    return found
