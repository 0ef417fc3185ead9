"""What each closure reason needs the record to show before a case closes.

The council pack maps each closure reason to check codes (``practice.closure_checks``; "default"
for reasons it does not list). Each check here reads the record and returns None when it holds,
or one plain sentence saying what is missing. "Goals achieved" thus needs the plan's outcomes
judged achieved / partly / not, a TAF actually held and something in the plan done; "consent
withdrawn" needs the withdrawal recorded. A manager may close anyway with a reason (closure.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.config.pack import current_pack


@dataclass(frozen=True)
class ClosureContext:
    reason: str
    # {outcome_id: achieved | partly | not_achieved} given when closing.
    outcome_results: dict[str, str] = field(default_factory=dict)
    # What several checks read (the plan, the results), read once per closing.
    memo: dict = field(default_factory=dict, compare=False)
    # The step-up handover is given with the closing itself (recorded once the checks pass).
    handover_given: bool = False

    def plan(self, session: Session, episode_id: str):
        from ehdesk.casework.plans import get_plan

        if "plan" not in self.memo:
            self.memo["plan"] = get_plan(session, episode_id)
        return self.memo["plan"]

    def results(self, session: Session, episode_id: str) -> dict[str, str]:
        if "results" not in self.memo:
            self.memo["results"] = outcome_results(session, episode_id, self.outcome_results)
        return self.memo["results"]


Check = Callable[[Session, str, ClosureContext], "str | None"]


def _closing_reading(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    from ehdesk.casework.readings import closing_reading_missing

    return closing_reading_missing(session, episode_id)


def _feedback(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    from ehdesk.casework.assessments import closure_feedback_missing

    return closure_feedback_missing(session, episode_id)


def outcome_results(session: Session, episode_id: str, given: dict[str, str]) -> dict[str, str]:
    """Each outcome's result at closure: what the worker gives now, else what the closure meeting
    recorded."""
    from ehdesk.casework.meetings import CLOSURE_RESULTS
    from ehdesk.models.meeting import Meeting

    found: dict[str, str] = {}
    closure_meeting = session.scalars(
        select(Meeting)
        .where(
            Meeting.episode_id == episode_id,
            Meeting.kind == "closure",
            Meeting.status == "completed",
            Meeting.deleted.is_(False),
        )
        .order_by(Meeting.held_on.desc())
        .limit(1)
    ).first()
    if closure_meeting is not None:
        for r in closure_meeting.outcome_reviews or []:
            if r.get("progress") in CLOSURE_RESULTS:
                found[r["outcome_id"]] = r["progress"]
    found.update({k: v for k, v in given.items() if v in CLOSURE_RESULTS})
    return found


def _outcomes_reviewed(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    plan = ctx.plan(session, episode_id)
    if not plan.outcomes:
        return "The plan has no outcomes, so nothing shows what was achieved."
    results = ctx.results(session, episode_id)
    left = [o.what_will_be_different for o in plan.outcomes if o.id not in results]
    if left:
        return (
            "Say whether each outcome in the plan was achieved, partly achieved or not: "
            + "; ".join(left)
            + "."
        )
    return None


def _outcomes_achieved(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    results = ctx.results(session, episode_id)
    if results and not any(v in ("achieved", "partly") for v in results.values()):
        return "No outcome in the plan was achieved, even partly, so the reason can't be that goals were achieved."
    return None


def _taf_held(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    from ehdesk.casework.meetings import taf_facts

    facts = taf_facts(session, [episode_id]).get(episode_id, {})
    fgc = (
        facts.get("fgc_dates", ()) if current_pack().timescales.family_group_conference_counts_as_taf else ()
    )
    if facts.get("first_taf_on") or facts.get("review_dates") or fgc:
        return None
    return "No Team Around the Family meeting has been held (with the family and another agency)."


def _actions_progressed(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    actions = [a for o in ctx.plan(session, episode_id).outcomes for a in o.actions]
    if any(a.status == "done" for a in actions):
        return None
    if not actions:
        return "The plan has no actions, so nothing shows the goals were worked on."
    return "No action in the plan is done: update the actions' status before closing as goals achieved."


def _agreement_signed(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    from ehdesk.casework.agreements import agreement_facts

    if agreement_facts(session, [episode_id]).get(episode_id):
        return None
    return "The family never signed the early help agreement."


def _consent_withdrawal_recorded(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    from ehdesk.casework.consent import withdrawal_facts

    if withdrawal_facts(session, [episode_id]).get(episode_id):
        return None
    return "No withdrawal of consent is recorded: record who withdrew it and when (on the Case tab)."


STEP_UP_HANDOVER_MISSING = "No step-up handover is recorded"


def _step_up_handover(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    from ehdesk.casework.handovers import step_up_for

    if ctx.handover_given or step_up_for(session, episode_id) is not None:
        return None
    return (
        STEP_UP_HANDOVER_MISSING + ": give the date, the reason, what was shared with children's "
        "social care and who received it (here, or on the Handovers tab)."
    )


def _step_down_handover(session: Session, episode_id: str, ctx: ClosureContext) -> str | None:
    from ehdesk.casework.handovers import step_down_for
    from ehdesk.models import Episode

    episode = session.get(Episode, episode_id)
    if episode is None or episode.case_type != "step_down" or step_down_for(session, episode_id):
        return None
    return (
        "This case came from social care as a step-down, but its step-down handover is not "
        "recorded: record the social worker, the plan and the reason on the Handovers tab."
    )


CHECKS: dict[str, Check] = {
    "closing_reading": _closing_reading,
    "feedback": _feedback,
    "outcomes_reviewed": _outcomes_reviewed,
    "outcomes_achieved": _outcomes_achieved,
    "taf_held": _taf_held,
    "actions_progressed": _actions_progressed,
    "agreement_signed": _agreement_signed,
    "consent_withdrawal_recorded": _consent_withdrawal_recorded,
    "step_up_handover": _step_up_handover,
    "step_down_handover": _step_down_handover,
}

# Checks no council pack can leave out: a step-up is a handover record, not only a closure reason,
# and a step-down case rests on its handover from social care (issue 16).
ALWAYS: dict[str, list[str]] = {"stepped_up": ["step_up_handover"], "*": ["step_down_handover"]}


def required_for(reason: str) -> list[str]:
    return ALWAYS.get(reason, []) + ALWAYS["*"]


def checks_for(reason: str) -> list[str]:
    """The check codes the pack names for ``reason`` (unknown codes are a broken pack)."""
    table = current_pack().practice.closure_checks
    codes = table.get(reason, table.get("default", []))
    unknown = [c for c in codes if c not in CHECKS]
    if unknown:
        from ehdesk.errors import EhdeskError

        raise EhdeskError(f"The council pack names closure checks this version does not know: {unknown}.")
    return list(codes)


def missing_for(session: Session, episode_id: str, ctx: ClosureContext) -> list[str]:
    found = []
    codes = checks_for(ctx.reason)
    for code in [*codes, *(c for c in required_for(ctx.reason) if c not in codes)]:
        message = CHECKS[code](session, episode_id, ctx)
        if message:
            found.append(message)
    return found
