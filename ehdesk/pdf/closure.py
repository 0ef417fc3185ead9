"""The closure summary: why and when the case closed, what the plan achieved (each outcome's
result), the baseline against the closing reading per area, the family's "How was it for you?"
answers, the meetings and sessions held, every timescale met or missed, and what happens next."""

from __future__ import annotations

from ehdesk.casework.document_views import (
    CLOSURE_RESULTS,
    REVIEW_OUTCOME_LABELS,
    STATUS_LABELS,
    ClosureDocument,
)
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.pdf.blocks import DocumentInfo, build_pdf, field_table, grid_table, heading, para, spacer
from ehdesk.pdf.plan import content_hash


def _d(value) -> str:
    return f"{show_date(value)}" if value else ""


def render(doc: ClosureDocument) -> tuple[bytes, DocumentInfo]:
    episode, view, plan, held, record = doc.episode, doc.closure, doc.plan, doc.meetings_held, doc.timescales
    pack = current_pack()
    reason = doc.reason_label
    rows = [
        ("Family", f"{doc.household_name} ({doc.family_reference})"),
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
                        CLOSURE_RESULTS.get(results.get(o.id, ""), "Not judged"),
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
    minutes = doc.session_minutes
    story.append(
        para(f"{doc.sessions_held} sessions held, {minutes // 60} hours {minutes % 60} minutes in all.")
    )
    story += _readings_story(doc)
    story += _feedback_story(doc.feedback)
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
    story += [para(line) for line in doc.after_closure]
    if doc.team_phone:
        story.append(para(f"The early help team: {doc.team_phone} ({doc.working_hours})."))
    content = {
        "episode": episode.id,
        "closed_on": str(episode.closed_on),
        "reason": episode.closure_reason,
        "plan": doc.plan_snapshot,
        "versions": doc.plan_versions,
    }
    info = DocumentInfo(
        title="Closure summary",
        council_name=pack.council_name,
        document_id=f"CLOSE-{episode.id[:8].upper()}",
        subtitle=f"{doc.household_name} · {doc.family_reference} · closed {_d(episode.closed_on)}: {reason}",
        content_hash=content_hash(content),
    )
    return build_pdf(info, story), info


def _readings_story(doc: ClosureDocument) -> list:
    """Baseline against closing reading, area by area, for each tool and subject."""
    story: list = [heading("How things changed: first and closing readings")]
    shown = False
    for series in doc.series:
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


def _feedback_story(feedback: list[tuple[str, str]] | None) -> list:
    """The family's "How was it for you?" answers, as they gave them."""
    story: list = [heading('The family\'s feedback: "How was it for you?"')]
    if feedback is None:
        return [*story, para("The family did not give feedback.", "small")]
    story.append(field_table(feedback) if feedback else para("No answers were given.", "small"))
    return story
