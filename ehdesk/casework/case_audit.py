"""Case audit: a manager audits an episode against the pack's audit questions, grades each and
the case overall (outstanding / good / requires improvement / inadequate, pack-configurable),
sets actions, and re-audits later (a new audit that names the one it follows). The return counts
audits by grade (``audits_by_grade``); the strategy's measure is "audits rated good or better"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework import audit
from ehdesk.casework.episode_access import episode_or_404
from ehdesk.casework.record_checks import (
    check_date,
    clean_actions,
    mark_action_done,
    require_manager,
    text,
)
from ehdesk.casework.records import live
from ehdesk.config.pack import CouncilPack, current_pack
from ehdesk.errors import ValidationError
from ehdesk.models import Family
from ehdesk.models.team import CaseAudit
from ehdesk.models.types import new_id

FIELDS = ("audited_on", "auditor_name", "answers", "grade", "summary", "actions", "follows_audit_id")


@dataclass(frozen=True)
class AuditView:
    id: str
    episode_id: str
    audited_on: date
    auditor_name: str
    answers: list[dict]
    grade: str
    grade_label: str
    summary: str
    actions: list[dict]
    follows_audit_id: str | None


def _view(a: CaseAudit, pack: CouncilPack) -> AuditView:
    return AuditView(
        id=a.id,
        episode_id=a.episode_id,
        audited_on=a.audited_on,
        auditor_name=a.auditor_name,
        answers=list(a.answers),
        grade=a.grade,
        grade_label=pack.label("audit_grades", a.grade),
        summary=a.summary,
        actions=list(a.actions),
        follows_audit_id=a.follows_audit_id,
    )


def record_audit(
    session: Session,
    episode_id: str,
    data: dict,
    *,
    actor_role: str,
    pack: CouncilPack | None = None,
    today: date | None = None,
) -> str:
    """Closed episodes can be audited too (audits often look back at a finished case)."""
    pack = pack or current_pack()
    today = today or date.today()
    require_manager(actor_role, "audit a case")
    episode = episode_or_404(session, episode_id)
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise ValueError(f"unknown audit fields: {sorted(unknown)}")
    errors: dict[str, str] = {}
    audited_on = data.get("audited_on")
    check_date(
        audited_on,
        "The audit date",
        errors,
        "audited_on",
        today,
        not_before=episode.opened_on,
        not_before_label="the case was opened",
    )
    auditor = text(data, "auditor_name") or session.info.get("worker_name", "")
    grades = pack.codes("audit_grades")
    questions = pack.codes("audit_questions")
    given = {str(a.get("question")): a for a in data.get("answers") or []}
    if set(given) - set(questions):
        raise ValueError(f"unknown audit questions: {sorted(set(given) - set(questions))}")
    answers = []
    unanswered = []
    for code in questions:
        answer = given.get(code) or {}
        grade = str(answer.get("grade") or "")
        if grade not in grades:
            unanswered.append(pack.label("audit_questions", code))
            continue
        answers.append(
            {"question": code, "grade": grade, "comment": str(answer.get("comment") or "").strip()}
        )
    if unanswered:
        errors["answers"] = "Grade every audit question: " + ", ".join(unanswered) + "."
    grade = text(data, "grade")
    if grade not in grades:
        errors["grade"] = "Choose the overall grade."
    actions = clean_actions(data.get("actions"), errors)
    if grade and grade in grades and grades.index(grade) >= 2 and not actions and "actions" not in errors:
        # Requires improvement or worse: the audit must say what will put it right, and by when.
        errors["actions"] = "A case graded below good needs at least one action with a due date."
    follows = data.get("follows_audit_id") or None
    if follows:
        earlier = session.get(CaseAudit, follows)
        if earlier is None or earlier.deleted or earlier.episode_id != episode_id:
            errors["follows_audit_id"] = "A re-audit follows an earlier audit of the same case."
        elif audited_on is not None and audited_on < earlier.audited_on:
            errors["audited_on"] = "The re-audit is dated before the audit it follows."
    if errors:
        raise ValidationError(errors)
    row = CaseAudit(
        id=new_id(),
        family_id=episode.family_id,
        episode_id=episode_id,
        audited_on=audited_on,
        auditor_name=auditor,
        answers=answers,
        grade=grade,
        summary=text(data, "summary"),
        actions=actions,
        follows_audit_id=follows,
    )
    session.add(row)
    audit.record(
        session, "change", "case_audit", row.id, episode.family_id, grade=grade, reaudit=bool(follows)
    )
    return row.id


def complete_audit_action(session: Session, audit_id: str, index: int, done_on: date) -> None:
    row = live(session, CaseAudit, audit_id, "audit")
    row.actions = mark_action_done(row.actions, index, done_on)
    audit.record(session, "change", "case_audit", row.id, row.family_id, change="action_done")


def list_audits(session: Session, episode_id: str, pack: CouncilPack | None = None) -> list[AuditView]:
    pack = pack or current_pack()
    rows = session.scalars(
        select(CaseAudit)
        .where(CaseAudit.episode_id == episode_id, CaseAudit.deleted.is_(False))
        .order_by(CaseAudit.audited_on, CaseAudit.created_at)
    ).all()
    return [_view(a, pack) for a in rows]


def audits_by_grade(
    session: Session,
    date_from: date,
    date_to: date,
    teams: list[str] | None = None,
    pack: CouncilPack | None = None,
) -> list[tuple[str, str, int]]:
    """(grade code, label, audits dated in the period with that overall grade), in the pack's
    order, every grade listed (a true zero is a count too). Re-audits count as audits."""
    pack = pack or current_pack()
    query = select(CaseAudit.grade).where(
        CaseAudit.deleted.is_(False), CaseAudit.audited_on >= date_from, CaseAudit.audited_on <= date_to
    )
    if teams is not None:
        query = query.join(Family, Family.id == CaseAudit.family_id).where(Family.team_id.in_(list(teams)))
    counts: dict[str, int] = {}
    for grade in session.scalars(query):
        counts[grade] = counts.get(grade, 0) + 1
    return [(g.code, g.label, counts.get(g.code, 0)) for g in pack.team_practice.audit_grades]
