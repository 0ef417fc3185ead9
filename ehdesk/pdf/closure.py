"""The closure summary: why and when the case closed, what the plan achieved (each outcome's
result), the baseline against the closing reading per area, the family's "How was it for you?"
answers, the meetings and sessions held, every timescale met or missed, and what happens next."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ehdesk.casework import assessments, audit, closure, meetings, plans, readings, sessions
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.plans import REVIEW_OUTCOME_LABELS, STATUS_LABELS
from ehdesk.casework.timescales import timescale_record
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import NotFound
from ehdesk.models import Family
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer
from ehdesk.pdf.plan import content_hash


def _d(value) -> str:
    return f"{show_date(value)}" if value else ""


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
    record = timescale_record(facts, pack.timescales, today or date.today())

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
    note = episode.closure_note or (view.note if view else "")
    story += [heading("Closing summary"), para(note or "No closing note was written.")]
    if view and view.override_reason:
        story += [
            heading("Closed with items missing"),
            para("These were missing when the case closed: " + "; ".join(view.missing)),
            para(f"A manager ({view.override_by}) agreed to close it anyway: {view.override_reason}"),
        ]
    story.append(heading("What the plan achieved"))
    results = view.outcome_results if view else {}
    if plan.outcomes:
        story.append(
            grid_table(
                ["Outcome", "Result at closure"],
                [
                    [
                        o.what_will_be_different,
                        meetings.CLOSURE_RESULTS.get(results.get(o.id, ""), "Not judged"),
                    ]
                    for o in plan.outcomes
                ],
                [120, 54],
            )
        )
        story.append(spacer(2))
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
    story += _readings_story(session, episode.id)
    story += _feedback_story(session, episode.id)
    story.append(heading("Timescales"))
    story.append(
        grid_table(
            ["Timescale", "Due", "Done", "Met?"],
            [
                [t.label, _d(t.due_on), _d(t.happened_on) or "Not done", "Met" if t.met else "Missed"]
                for t in record
            ],
            [80, 32, 32, 30],
        )
    )
    missed = [t for t in record if not t.met]
    story.append(
        para(
            f"{len(record) - len(missed)} of {len(record)} timescales met."
            if missed
            else "Every timescale was met.",
            "small",
        )
    )
    story.append(heading("What happens next"))
    story += [para(line) for line in pack.practice.after_closure]
    phone = pack.practice.agreement.team_phone
    if phone:
        story.append(para(f"The early help team: {phone} ({pack.practice.agreement.working_hours})."))
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


def _readings_story(session: Session, episode_id: str) -> list:
    """Baseline against closing reading, area by area, for each tool and subject."""
    story: list = [heading("How things changed: first and closing readings")]
    shown = False
    for series in readings.series(session, episode_id):
        first = series.baseline
        closing = next((r for r in reversed(series.readings) if r.occasion == "closure"), None)
        if first is None or closing is None or first.id == closing.id:
            continue
        shown = True
        story.append(heading(f"{series.tool.title}: {series.subject_name}", 3))
        rows = []
        for key, label in series.axes:
            before, after = first.chart.get(key), closing.chart.get(key)
            change = f"{after - before:+g}" if before is not None and after is not None else ""
            rows.append([label, _n(before), _n(after), change])
        story.append(
            grid_table(
                ["Area", f"First ({_d(first.taken_on)})", f"Closing ({_d(closing.taken_on)})", "Change"],
                rows,
                [70, 38, 38, 28],
            )
        )
        scale = "higher is better" if series.tool.higher_is_better else "lower is better"
        story.append(para(f"On this tool {scale}.", "small"))
    if not shown:
        story.append(para("No closing reading was taken to compare with the first one.", "small"))
    return story


def _n(value) -> str:
    return "" if value is None else f"{value:g}"


def _feedback_story(session: Session, episode_id: str) -> list:
    """The family's "How was it for you?" answers, as they gave them."""
    story: list = [heading('The family\'s feedback: "How was it for you?"')]
    done = [
        a
        for a in assessments.list_assessments(session, _family_of(session, episode_id), episode_id)
        if a.form_id == assessments.FEEDBACK_FORM and a.status != "draft"
    ]
    if not done:
        return [*story, para("The family did not give feedback.", "small")]
    view = assessments.get_assessment(session, done[0].id, audit_view=False)
    engine = assessments.engine_for(view)
    rows = []
    for _, question in engine.definition.questions():
        value = view.answers.get(question.id)
        if value in (None, "", []):
            continue
        rows.append((question.label, engine.display(question, value)))
    story.append(field_table(rows) if rows else para("No answers were given.", "small"))
    return story


def _family_of(session: Session, episode_id: str) -> str:
    from ehdesk.models import Episode

    return session.get(Episode, episode_id).family_id
