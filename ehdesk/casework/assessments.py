"""Assessments (and other forms) filled in for a family: start, save as the worker types,
complete, manager sign-off, audited reopen. Completed forms are read-only.

Each assessment keeps the id and version of the definition it was filled against; opening or
printing it always uses that version, never the newest one."""

from __future__ import annotations

import json
from collections.abc import Set
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.families import members as members_of
from ehdesk.casework.professionals import involved_text
from ehdesk.casework.records import MOVED_OR_REMOVED, live
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import EhdeskError, NotFound, ValidationError
from ehdesk.forms.definition import FormDefinition
from ehdesk.forms.engine import FormEngine, Member
from ehdesk.forms.loader import FormLibrary, default_library
from ehdesk.models import Assessment, Episode, Family, Person

EHA_FORM = "early-help-assessment"
FEEDBACK_FORM = "closure-feedback"
REQUEST_FORM = "request-for-support"

STATUS_LABELS = {"draft": "Draft", "completed": "Completed", "signed_off": "Signed off"}


class AssessmentReadOnly(EhdeskError):
    pass


class ThresholdDecisionNeeded(EhdeskError):
    """The assessment shows statutory-level need and no manager has decided yet."""


@dataclass(frozen=True)
class AssessmentSummary:
    id: str
    form_id: str
    form_version: int
    title: str
    status: str
    started_on: date
    completed_on: date | None
    assessor_name: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass(frozen=True)
class AssessmentView:
    id: str
    family_id: str
    episode_id: str | None
    form_id: str
    form_version: int
    status: str
    answers: dict
    started_on: date
    completed_on: date | None
    assessor_name: str
    signed_off_by: str
    signed_off_on: date | None
    reopen_history: list = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    @property
    def read_only(self) -> bool:
        return self.status != "draft"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


# Built once, its value bound at each call: building a statement and working out its cache key
# cost about as much as running it.
_FEEDBACK_DONE = select(Assessment.id).where(
    Assessment.episode_id == bindparam("episode_id"),
    Assessment.form_id == FEEDBACK_FORM,
    Assessment.status.in_(("completed", "signed_off")),
    Assessment.deleted.is_(False),
)


def family_members(session: Session, family_id: str, include_ids: Set[str] = frozenset()) -> list[Member]:
    """Children first (oldest first), then adults. A member removed since an old form was filled
    in still appears for that form (``include_ids``) so their answers keep their name."""
    people = members_of(session, family_id, removed_too=True)
    kept = [p for p in people if not p.deleted or p.id in include_ids]
    kept.sort(key=lambda p: (p.role != "child", p.date_of_birth or p.due_date or date.max, p.given_name))
    return [Member(p.id, p.full_name, p.role) for p in kept]


def _member_ids_in(answers: dict) -> set[str]:
    return {key.split("@", 1)[1] for key in answers if "@" in key}


def _assessment_or_404(session: Session, assessment_id: str) -> Assessment:
    gone = "is not in this worker's records (it may have been removed)"
    return live(session, Assessment, assessment_id, "assessment", gone)


def _title(library: FormLibrary, form_id: str, version: int) -> str:
    try:
        return library.get(form_id, version).title
    except NotFound:
        return form_id.replace("-", " ").capitalize()


def list_assessments(
    session: Session, family_id: str, episode_id: str | None = None, library: FormLibrary | None = None
) -> list[AssessmentSummary]:
    """The family's forms, newest first; only one episode's (and unattached ones) if given."""
    library = library or default_library()
    query = select(Assessment).where(Assessment.family_id == family_id, Assessment.deleted.is_(False))
    if episode_id is not None:
        query = query.where((Assessment.episode_id == episode_id) | Assessment.episode_id.is_(None))
    rows = session.scalars(query).all()
    rows = sorted(rows, key=lambda a: (a.started_on, a.created_at), reverse=True)
    return [
        AssessmentSummary(
            a.id,
            a.form_id,
            a.form_version,
            _title(library, a.form_id, a.form_version),
            a.status,
            a.started_on,
            a.completed_on,
            a.assessor_name,
        )
        for a in rows
    ]


def _prefill(definition: FormDefinition, session: Session, episode: Episode | None, today: date) -> dict:
    """Answers the app already knows, offered where the form asks for them."""
    known = {
        "started_on": today.isoformat(),
        "requested_on": today.isoformat(),
        "assessor_name": session.info.get("worker_name", ""),
    }
    if episode is not None and episode.lead_professional_name:
        known["lead_professional"] = episode.lead_professional_name
    if episode is not None:  # the family's professionals list (issue 16)
        known["professionals"] = involved_text(session, episode.family_id, today)
    ids = {q.id for _, q in definition.questions()}
    found = {k: v for k, v in known.items() if k in ids and v}
    # Parental responsibility and living at home are on the member record: offered, not asked again.
    if episode is not None:
        for p in members_of(session, episode.family_id):
            if p.role != "adult":
                continue
            for qid, value in (
                ("adult_lives_in", p.lives_in_household),
                ("adult_parental_responsibility", p.parental_responsibility),
            ):
                if qid in ids:
                    found[f"{qid}@{p.id}"] = bool(value)
    return found


MEMBER_FACTS = {
    "adult_lives_in": "lives_in_household",
    "adult_parental_responsibility": "parental_responsibility",
}


def _member_record_updates(session: Session, row: Assessment) -> None:
    """A change to parental responsibility or living at home made in the assessment updates the
    member record (one truth, audited on the member)."""
    for key, value in (row.answers or {}).items():
        qid, _, person_id = key.partition("@")
        if qid not in MEMBER_FACTS or not isinstance(value, bool):
            continue
        person = session.get(Person, person_id)
        if person is None or person.deleted or person.family_id != row.family_id:
            continue
        field_name = MEMBER_FACTS[qid]
        if getattr(person, field_name) != value:
            setattr(person, field_name, value)
            audit.record(
                session,
                "change",
                "person",
                person.id,
                row.family_id,
                fields=[field_name],
                source="assessment",
            )


def quality_problems(answers: dict) -> dict[str, str]:
    """What an assessment may not claim even when every required answer is given."""
    problems = {}
    if answers.get("withdrawal_explained") is False:
        problems["withdrawal_explained"] = (
            "Tell the family they can take back their consent at any time, then answer Yes: the "
            "assessment can't be completed until they have been told."
        )
    return problems


def start_assessment(
    session: Session,
    family_id: str,
    form_id: str = EHA_FORM,
    *,
    episode_id: str | None = None,
    library: FormLibrary | None = None,
    today: date | None = None,
) -> str:
    """A new draft of the newest version of ``form_id`` for the family's current episode."""
    library = library or default_library()
    today = today or date.today()
    live(session, Family, family_id, "family", MOVED_OR_REMOVED)  # still in this worker's records
    definition = library.latest(form_id)
    episode = session.get(Episode, episode_id) if episode_id else current_episode(session, family_id)
    row = Assessment(
        family_id=family_id,
        episode_id=episode.id if episode is not None else None,
        form_id=definition.id,
        form_version=definition.version,
        status="draft",
        answers=_prefill(definition, session, episode, today),
        started_on=today,
        assessor_id=session.info.get("worker_id", ""),
        assessor_name=session.info.get("worker_name", ""),
    )
    session.add(row)
    audit.record(
        session, "create", "assessment", row.id, family_id, form=definition.id, version=definition.version
    )
    return row.id


def get_assessment(session: Session, assessment_id: str, *, audit_view: bool = True) -> AssessmentView:
    row = _assessment_or_404(session, assessment_id)
    if audit_view:
        audit.record(session, "view", "assessment", row.id, row.family_id)
    return AssessmentView(
        id=row.id,
        family_id=row.family_id,
        episode_id=row.episode_id,
        form_id=row.form_id,
        form_version=row.form_version,
        status=row.status,
        answers=dict(row.answers or {}),
        started_on=row.started_on,
        completed_on=row.completed_on,
        assessor_name=row.assessor_name,
        signed_off_by=row.signed_off_by,
        signed_off_on=row.signed_off_on,
        reopen_history=list(row.reopen_history or []),
        members=family_members(session, row.family_id, _member_ids_in(row.answers or {})),
    )


def engine_for(
    view: AssessmentView, library: FormLibrary | None = None, pack: CouncilPack | None = None
) -> FormEngine:
    """The engine for the definition version this assessment was filled against."""
    library = library or default_library()
    return FormEngine(library.get(view.form_id, view.form_version), view.members, pack or current_pack())


def _clean_answers(answers: dict) -> dict:
    if not isinstance(answers, dict):
        raise ValidationError({"answers": "The answers could not be read."})
    try:
        # A round trip proves the answers are plain JSON, which is what syncs.
        return json.loads(json.dumps(answers))
    except (TypeError, ValueError):
        raise ValidationError({"answers": "Some answers are not text, numbers or dates."}) from None


def save_draft(session: Session, assessment_id: str, answers: dict) -> None:
    """Keep what the worker has typed. Called often (as they type), so it is not audited."""
    row = _assessment_or_404(session, assessment_id)
    if row.status != "draft":
        raise AssessmentReadOnly("This assessment is completed and cannot be changed unless it is reopened.")
    cleaned = _clean_answers(answers)
    if cleaned != row.answers:
        row.answers = cleaned


def complete_assessment(
    session: Session,
    assessment_id: str,
    answers: dict | None = None,
    *,
    library: FormLibrary | None = None,
    today: date | None = None,
) -> None:
    """Check every shown question; on any problem nothing changes and ValidationError names
    each field (keyed like the answers) with what is wrong."""
    row = _assessment_or_404(session, assessment_id)
    if row.status != "draft":
        raise AssessmentReadOnly("This assessment has already been completed.")
    if answers is not None:
        row.answers = _clean_answers(answers)
    view = get_assessment(session, assessment_id, audit_view=False)
    problems = engine_for(view, library).validate(view.answers)
    problems.update(quality_problems(view.answers))
    if problems:
        raise ValidationError(problems)
    row.status = "completed"
    # One completion date: the record's. An older form that also asked for it is kept in step.
    row.completed_on = today or date.today()
    if "completed_on" in (row.answers or {}):
        row.answers = {**row.answers, "completed_on": row.completed_on.isoformat()}
    _member_record_updates(session, row)
    audit.record(session, "change", "assessment", row.id, row.family_id, status="completed")


def sign_off_assessment(
    session: Session, assessment_id: str, manager_name: str, today: date | None = None
) -> None:
    row = _assessment_or_404(session, assessment_id)
    if row.status != "completed":
        raise AssessmentReadOnly("Only a completed assessment can be signed off.")
    if not manager_name.strip():
        raise ValidationError({"manager_name": "Type the name of the manager signing off."})
    if row.form_id == EHA_FORM and row.episode_id:
        from ehdesk.casework.thresholds import threshold_state

        state = threshold_state(session, row.episode_id, dict(row.answers or {}))
        if state.needs_decision:
            raise ThresholdDecisionNeeded("This assessment can't be signed off yet. " + state.summary())
    row.status = "signed_off"
    row.signed_off_by = manager_name.strip()
    row.signed_off_on = today or date.today()
    audit.record(session, "sign_off", "assessment", row.id, row.family_id)


def reopen_assessment(session: Session, assessment_id: str, reason: str, today: date | None = None) -> None:
    """Back to draft so it can be changed; the reason and who reopened it are kept with it."""
    row = _assessment_or_404(session, assessment_id)
    if row.status == "draft":
        raise AssessmentReadOnly("This assessment is already open for changes.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the assessment is being reopened."})
    history = list(row.reopen_history or [])
    history.append(
        {
            "on": (today or date.today()).isoformat(),
            "by": session.info.get("worker_name", ""),
            "from_status": row.status,
            "reason": reason.strip(),
        }
    )
    row.reopen_history = history
    row.status = "draft"
    row.completed_on = None
    row.signed_off_by = ""
    row.signed_off_on = None
    audit.record(session, "reopen", "assessment", row.id, row.family_id)


def closure_feedback_missing(session: Session, episode_id: str) -> str | None:
    """For the closure checks: a plain message if the family's "How was it for you?" is not done."""
    done = session.scalar(_FEEDBACK_DONE, {"episode_id": episode_id})
    if done is not None:
        return None
    return 'The family\'s "How was it for you?" feedback has not been completed for this case.'
