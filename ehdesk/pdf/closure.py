"""The closure summary: why and when the case closed, what the plan achieved, the meetings and
sessions held, and any timescale that was missed."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ehdesk.casework import audit, closure, meetings, plans, sessions
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.plans import REVIEW_OUTCOME_LABELS, STATUS_LABELS
from ehdesk.casework.timescales import breaches
from ehdesk.config.pack import current_pack
from ehdesk.errors import NotFound
from ehdesk.models import Family
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer
from ehdesk.pdf.plan import content_hash


def _d(value) -> str:
    return f"{value:%d %b %Y}" if value else ""


def render_latest(session: Session, family_id: str, today: date | None = None) -> tuple[bytes, DocumentInfo]:
    episode = current_episode(session, family_id)
    if episode is None or episode.status != "closed":
        raise NotFound("This family's case is not closed, so there is no closure summary yet.")
    view = closure.get_closure(session, episode.id)
    pack = current_pack()
    family = session.get(Family, family_id)
    plan = plans.get_plan(session, episode.id)
    history = plans.plan_history(session, episode.id)
    held = [m for m in meetings.list_meetings(session, episode.id) if m.completed]
    notes = [n for n in sessions.list_sessions(session, episode.id) if n.status == "held"]
    facts = facts_for_episodes(session, [episode])[episode.id]
    missed = breaches(facts, pack.timescales, today or date.today())

    reason = pack.label("closure_reasons", episode.closure_reason)
    rows = [
        ("Family", f"{family.household_name} ({family.reference})"),
        ("Case opened", _d(episode.opened_on)),
        ("Case closed", _d(episode.closed_on)),
        ("Length", f"{(episode.closed_on - episode.opened_on).days} days"),
        ("Reason for closing", reason),
        ("Lead professional", episode.lead_professional_name),
    ]
    if view and view.stepped_up_to:
        rows += [("Stepped up to", view.stepped_up_to), ("Stepped up on", _d(view.stepped_up_on))]
    if episode.extension_close_by:
        rows.append(
            (
                "Kept open past 12 months",
                f"Signed off by {episode.extension_signed_off_by}: {episode.extension_reason}",
            )
        )
    story: list = [field_table(rows), spacer(2)]
    if episode.closure_note:
        story += [heading("Closing summary"), para(episode.closure_note)]
    if view and view.override_reason:
        story += [
            heading("Closed with items missing"),
            para("These were missing when the case closed: " + "; ".join(view.missing)),
            para(f"A manager ({view.override_by}) agreed to close it anyway: {view.override_reason}"),
        ]
    story.append(heading("What the plan achieved"))
    actions = [(o, a) for o in plan.outcomes for a in o.actions]
    if actions:
        story.append(
            grid_table(
                ["Outcome", "Action", "Status at closure"],
                [[o.what_will_be_different, a.what, STATUS_LABELS[a.status]] for o, a in actions],
                [65, 75, 34],
            )
        )
    else:
        story.append(para("No plan was recorded.", "small"))
    story.append(heading("TAF meetings"))
    if held:
        story.append(
            grid_table(
                ["Date", "Meeting", "Review outcome"],
                [
                    [_d(m.held_on), m.kind_label, REVIEW_OUTCOME_LABELS.get(m.review_outcome, "")]
                    for m in held
                ],
                [30, 80, 64],
            )
        )
    else:
        story.append(para("No TAF meeting was held.", "small"))
    story.append(heading("Sessions with the family"))
    minutes = sum(n.duration_minutes or 0 for n in notes)
    story.append(para(f"{len(notes)} sessions held, {minutes // 60} hours {minutes % 60} minutes in all."))
    story.append(heading("Timescales"))
    if missed:
        story.append(
            grid_table(
                ["Timescale", "Due", "Done"],
                [[b.label, _d(b.due_on), _d(b.happened_on) or "Not done"] for b in missed],
                [90, 42, 42],
            )
        )
    else:
        story.append(para("Every timescale was met."))
    content = {
        "episode": episode.id,
        "closed_on": str(episode.closed_on),
        "reason": episode.closure_reason,
        "plan": plans.snapshot(plan),
        "versions": len(history),
    }
    info = DocumentInfo(
        title="Closure summary",
        council_name=pack.council_name,
        document_id=f"CLOSE-{episode.id[:8].upper()}",
        subtitle=f"{family.household_name} · {family.reference} · closed {_d(episode.closed_on)}: {reason}",
        content_hash=content_hash(content),
    )
    audit.record(session, "print", "closure_summary", episode.id, family_id, document=info.document_id)
    return build_pdf(info, story), info
