"""Assembling each document's view (``casework.document_views``) from the record. The queries and
the "is there anything to print?" rules live here, so the pdf modules only lay out what they are
given. Auditing that a document was made or issued is ``casework.documents``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import assessments, chronology, closure, meetings, plans, readings, sessions
from ehdesk.casework.agreements import signature_images
from ehdesk.casework.document_views import (
    AgreedVersion,
    AgreementDocument,
    AgreementView,
    AssessmentDocument,
    ChronologyDocument,
    ClosureDocument,
    EpisodeSummary,
    MeetingDocument,
    PlanDocument,
    ProgressDocument,
)
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.families import get_family
from ehdesk.casework.network import ecomap
from ehdesk.casework.records import MOVED_OR_REMOVED, live
from ehdesk.casework.timescales import timescale_record
from ehdesk.config.pack import current_pack
from ehdesk.errors import NotFound
from ehdesk.forms.loader import FormLibrary
from ehdesk.models import Assessment, Episode, Family, Person
from ehdesk.models.plan import PlanVersion

NO_READINGS = (
    "There are no progress readings for this family's case yet, so there is no progress document to make."
)


def _episode_summary(episode: Episode) -> EpisodeSummary:
    return EpisodeSummary(
        id=episode.id,
        status=episode.status,
        opened_on=episode.opened_on,
        closed_on=episode.closed_on,
        lead_professional_name=episode.lead_professional_name or "",
        lead_professional_role=episode.lead_professional_role or "",
        closure_reason=episode.closure_reason or "",
        closure_note=episode.closure_note or "",
        extension_close_by=episode.extension_close_by,
        extension_signed_off_by=episode.extension_signed_off_by or "",
        extension_reason=episode.extension_reason or "",
    )


def agreement_document(session: Session, view: AgreementView) -> AgreementDocument:
    return AgreementDocument(view, signature_images(session, view))


def plan_document(session: Session, family_id: str) -> PlanDocument:
    """The family's current TAF plan with the latest completed meeting record."""
    episode = current_episode(session, family_id)
    if episode is None:
        raise NotFound("This family has no case, so there is no TAF plan to print.")
    plan = plans.get_plan(session, episode.id)
    if not plan.outcomes:
        raise NotFound("There is no TAF plan to print yet: add the plan's outcomes first.")
    family = live(session, Family, family_id, "family", MOVED_OR_REMOVED)
    return PlanDocument(
        family_id=family_id,
        family_reference=family.reference,
        household_name=family.household_name,
        episode=_episode_summary(episode),
        plan=plan,
        plan_snapshot=plans.snapshot(plan),
        latest_meeting=meetings.latest_completed(session, episode.id),
    )


def meeting_document(session: Session, meeting_id: str) -> MeetingDocument:
    """One completed meeting, with the plan version agreed at it (never the live plan)."""
    m = meetings.get_meeting(session, meeting_id)
    if not m.completed:
        raise NotFound("This meeting record is not complete yet, so it can't be printed as agreed.")
    family = live(session, Family, m.family_id, "family", MOVED_OR_REMOVED)
    version = session.scalars(
        select(PlanVersion).where(PlanVersion.meeting_id == m.id, PlanVersion.deleted.is_(False)).limit(1)
    ).first()
    return MeetingDocument(
        family_id=m.family_id,
        family_reference=family.reference,
        household_name=family.household_name,
        meeting=m,
        plan=plans.get_plan(session, m.episode_id, today=m.held_on),
        agreed_version=AgreedVersion(version.version, list(version.snapshot), list(version.changes or []))
        if version is not None
        else None,
    )


def latest_meeting_document(session: Session, family_id: str) -> MeetingDocument:
    episode = current_episode(session, family_id)
    if episode is None:
        raise NotFound("This family has no case, so there is no meeting to print.")
    latest = meetings.latest_completed(session, episode.id)
    if latest is None:
        raise NotFound("No TAF meeting has been completed yet.")
    return meeting_document(session, latest.id)


def closure_document(session: Session, family_id: str, today: date | None = None) -> ClosureDocument:
    episode = current_episode(session, family_id)
    if episode is None or episode.status != "closed":
        raise NotFound("This family's case is not closed, so there is no closure summary yet.")
    pack = current_pack()
    plan = plans.get_plan(session, episode.id)
    notes = [n for n in sessions.list_sessions(session, episode.id) if n.status == "held"]
    facts = facts_for_episodes(session, [episode])[episode.id]
    family = live(session, Family, family_id, "family", MOVED_OR_REMOVED)
    return ClosureDocument(
        family_id=family_id,
        family_reference=family.reference,
        household_name=family.household_name,
        episode=_episode_summary(episode),
        closure=closure.get_closure(session, episode.id),
        reason_label=pack.label("closure_reasons", episode.closure_reason),
        plan=plan,
        plan_snapshot=plans.snapshot(plan),
        plan_versions=len(plans.plan_history(session, episode.id)),
        meetings_held=[m for m in meetings.list_meetings(session, episode.id) if m.completed],
        sessions_held=len(notes),
        session_minutes=sum(n.duration_minutes or 0 for n in notes),
        series=readings.series(session, episode.id),
        feedback=_feedback(session, family_id, episode.id),
        timescales=timescale_record(facts, pack.timescales, today or date.today()),
        after_closure=list(pack.practice.after_closure),
        team_phone=pack.practice.agreement.team_phone,
        working_hours=pack.practice.agreement.working_hours,
    )


def _feedback(session: Session, family_id: str, episode_id: str) -> list[tuple[str, str]] | None:
    """The family's "How was it for you?" answers, as they gave them (None: no feedback)."""
    done = [
        a
        for a in assessments.list_assessments(session, family_id, episode_id)
        if a.form_id == assessments.FEEDBACK_FORM and a.status != "draft"
    ]
    if not done:
        return None
    view = assessments.get_assessment(session, done[0].id, audit_view=False)
    engine = assessments.engine_for(view)
    rows = []
    for _, question in engine.definition.questions():
        value = view.answers.get(question.id)
        if value in (None, "", []):
            continue
        rows.append((question.label, engine.display(question, value)))
    return rows


def chronology_document(session: Session, family_id: str, child_id: str | None = None) -> ChronologyDocument:
    family = live(session, Family, family_id, "family", MOVED_OR_REMOVED)
    child = session.get(Person, child_id) if child_id else None
    return ChronologyDocument(
        family_id=family_id,
        family_reference=family.reference,
        household_name=family.household_name,
        child_name=child.full_name if child else None,
        entries=chronology.build(session, family_id, child_id),
    )


def assessment_document(
    session: Session, assessment_id: str, library: FormLibrary | None = None
) -> AssessmentDocument:
    view = assessments.get_assessment(session, assessment_id, audit_view=False)
    family = session.get(Family, view.family_id)
    return AssessmentDocument(
        family_id=view.family_id,
        family_reference=family.reference if family else "",
        household_name=family.household_name if family else "",
        assessment=view,
        engine=assessments.engine_for(view, library),
        ecomap=ecomap(session, view.family_id),  # the network, drawn (issue 16)
    )


def latest_assessment_id(session: Session, family_id: str) -> str:
    """The newest early help assessment of the family's current (or last) episode; failing
    that, the newest form of any kind for that episode."""
    episode = current_episode(session, family_id)
    query = select(Assessment).where(Assessment.family_id == family_id, Assessment.deleted.is_(False))
    if episode is not None:
        query = query.where(Assessment.episode_id == episode.id)
    rows = list(session.scalars(query))
    if not rows:
        raise NotFound("This family has no assessment to print yet.")
    rows.sort(key=lambda a: (a.form_id == assessments.EHA_FORM, a.started_on, a.created_at), reverse=True)
    return rows[0].id


def progress_document(session: Session, family_id: str) -> ProgressDocument:
    """The progress document for the family's current (or last) case."""
    family = get_family(session, family_id, audit_view=False)
    progress = readings.family_progress(session, family_id)
    if progress.episode_id is None or not any(s.readings for s in progress.series):
        raise NotFound(NO_READINGS)
    return ProgressDocument(
        family_id=family_id,
        family_reference=family.reference,
        household_name=family.household_name,
        member_names=[m.full_name for m in family.members],
        progress=progress,
    )
