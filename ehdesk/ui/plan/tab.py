"""The Plan tab: outcomes and SMART actions, the plan's history as a story, and the case's
closure and 12-month sign-off."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabBar,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import closure, extensions, handovers, plan_who, plans
from ehdesk.casework.episode_access import current_episode
from ehdesk.casework.episode_facts import facts_for_episodes
from ehdesk.casework.plans import STATUS_LABELS, rag_words
from ehdesk.casework.timescales import DueItem, breaches, due_items, missed_words, needs_signoff
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.ops import refresh_on_changes
from ehdesk.ui.plan.base import EpisodeTab, bind
from ehdesk.ui.plan.dialogs import ActionDialog, CloseDialog, OutcomeDialog, ReopenDialog, SignoffDialog
from ehdesk.ui.widgets import Columns, share_width, show_rows

RAG_COLOURS = {"red": "#f8d7da", "amber": "#fde8c8", "green": "#d4edda"}
RAG_INK = "#1f2933"


@dataclass(frozen=True)
class PlanScreen:
    episode_id: str | None
    read_only: bool
    status_text: str
    plan: plans.PlanView | None
    history: list
    needs_signoff: bool
    # The plan's "who" offers these (the family's professionals, household, the family).
    who_choices: tuple = ()


def load_plan_screen(s, family_id: str, today: date) -> PlanScreen:
    episode = current_episode(s, family_id)
    if episode is None:
        return PlanScreen(None, True, "This family has no case open, so there is no plan.", None, [], False)
    pack = current_pack()
    if episode.status == "open":
        text = f"Case open since {show_date(episode.opened_on)}."
        if episode.extension_close_by:
            text += f" Signed off to stay open until {show_date(episode.extension_close_by)}."
    else:
        view = closure.get_closure(s, episode.id)
        text = f"Case closed on {show_date(episode.closed_on)}: {pack.label('closure_reasons', episode.closure_reason)}."
        if view and view.stepped_up_to:
            text += f" Stepped up to {view.stepped_up_to} on {show_date(view.stepped_up_on)}."
        if view and view.override_reason:
            text += f" Closed by a manager with items missing: {view.override_reason}"
        text += " The record is read-only."
    facts = facts_for_episodes(s, [episode])[episode.id]
    items = due_items(facts, pack.timescales, today)
    if items:
        # The soonest only: what comes after it is on the Overview, and a second item made this
        # line two at 150%, a row less of the plan in sight.
        text += f" Next: {_due_words(items[0])}."
    if episode.status == "open":
        gaps = plan_who.who_not_involved(s, episode.id, today)
        if gaps:
            text += (
                " Actions with someone not involved now: "
                + "; ".join(f"{g.what} ({g.who}: {g.why})" for g in gaps[:3])
                + "."
            )
    missed = breaches(facts, pack.timescales, today)
    if missed:
        text += " Timescales missed: " + "; ".join(missed_words(b, pack.timescales) for b in missed) + "."
    return PlanScreen(
        episode.id,
        episode.status != "open",
        text,
        plans.get_plan(s, episode.id),
        plans.plan_history(s, episode.id),
        needs_signoff(facts, pack.timescales, today),
        tuple(plan_who.who_choices(s, family_id, today)) if episode.status == "open" else (),
    )


def _due_words(item: DueItem) -> str:
    words = f"{item.label} {'was due' if item.overdue else 'due'} {show_date(item.due_on)}"
    return f"{words} ({item.detail})" if item.detail else words


def history_html(history: list) -> str:
    if not history:
        return (
            "<p>The plan has not been agreed at a TAF meeting yet. Its history starts at the initial TAF.</p>"
        )
    parts = []
    for v in history:
        parts.append(f"<h3>{html.escape(v.headline)}</h3><ul>")
        parts.extend(f"<li>{html.escape(line)}</li>" for line in v.changes)
        parts.append("</ul>")
    return "".join(parts)


class PlanTab(EpisodeTab):
    MESSAGE_ROOM_WHEN_EMPTY = False  # (its line goes to the plan until there is something to say)

    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, family_id, parent)
        self.screen: PlanScreen | None = None
        self.dialog = None
        self._dialog_item = None  # the outcome or action the open dialog edits (None: a new one)
        self._restore: dict | None = None  # a dialog to reopen once the plan has loaded
        self.status = QLabel("Loading the plan…")
        self.status.setWordWrap(True)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Outcome / action", "Who", "By when", "Status", "RAG"])
        self.tree.setAccessibleName("The plan: outcomes and their actions")
        self.tree.setWordWrap(True)
        # The outcome's words matter most: that column takes the spare width, and short of it
        # keeps 40% while "Who" ("Child and adolescent mental health services") and a RAG's
        # reason wrap too; the dates and statuses stay whole on their line. (Sized to their
        # text, "Who" and "By when" squeezed the outcomes to 28-79 px at 150%, heading cut.)
        self.tree.widths = share_width(self.tree, stretch=0, shrink=(1, 4), stretch_share=0.4)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # (never needed)
        # Room for four rows of the plan: at 150% on a 1,280x720 screen the page squeezed it to
        # one outcome and part of its first action (the page scrolls down instead).
        show_rows(self.tree, 4)
        self.tree.itemDoubleClicked.connect(lambda *_: self.edit_selected())
        self.tree.currentItemChanged.connect(lambda *_: self._chosen_changed())
        self.history = QTextBrowser()
        self.history.setObjectName("history")
        self.history.setAccessibleName("How the plan has changed")
        self.add_outcome_button = QPushButton("Add outcome…")
        self.add_action_button = QPushButton("Add action…")
        self.edit_button = QPushButton("Edit…")
        self.remove_button = QPushButton("Remove")
        self.close_button = QPushButton("Close case…")
        self.signoff_button = QPushButton("Sign off past 12 months…")
        self.reopen_button = QPushButton("Reopen case…")
        self.add_outcome_button.clicked.connect(self.add_outcome)
        self.add_action_button.clicked.connect(self.add_action)
        self.edit_button.clicked.connect(self.edit_selected)
        self.remove_button.clicked.connect(self.remove_selected)
        self.close_button.clicked.connect(self.close_case)
        self.signoff_button.clicked.connect(self.sign_off)
        self.reopen_button.clicked.connect(self.reopen)

        from ehdesk.ui.documents import DocumentActions

        self.plan_document = DocumentActions(
            store, family_id, "plan", "TAF plan", before=self.flush_pending, parent=self
        )
        self.closure_document = DocumentActions(
            store, family_id, "closure", "closure summary", before=self.flush_pending, parent=self
        )
        self.closure_document.print_button.setText("Print closure summary…")
        # Both documents' buttons share the case's row: the plan's "Save as PDF…" says it is the
        # plan's, so no two buttons say the same. (Only the one: with "closure summary" in the
        # other too, the row wrapped at 150% and took the height of a row of the plan.)
        self.plan_document.save_button.setText("Save plan as PDF…")
        # The plan and its history take turns, each with the page's whole width and height, and
        # the plan's buttons sit beside the tabs that switch them: at 150% on a 1,280x720 screen
        # the history beside the plan left it 572 of 771 px, its rows wrapped to two and three
        # lines, its buttons to two rows beneath it, and it showed two and a half rows, a wrapped
        # action cut at its foot. (A tab bar of its own: a tab widget inside the record's would
        # take Ctrl+Tab from it.)
        self.sections = QTabBar()
        self.sections.setDocumentMode(True)
        self.sections.setExpanding(False)
        self.sections.setAccessibleName("The plan or how it has changed")
        self.sections.addTab("The plan")
        self.sections.addTab("How the plan has changed")
        self.pages = QStackedWidget()
        self.pages.addWidget(self.tree)
        self.pages.addWidget(self.history)
        self.edit_buttons = QWidget()
        # Rows of buttons wrap on a narrow window rather than widening it.
        FlowLayout(self.edit_buttons).add_widgets(
            self.add_outcome_button, self.add_action_button, self.edit_button, self.remove_button
        )
        self.sections.currentChanged.connect(self._show_section)
        case_bar = FlowLayout().add_widgets(
            self.plan_document,
            self.signoff_button,
            self.close_button,
            self.reopen_button,
            self.closure_document,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addLayout(case_bar)
        layout.addWidget(Columns((self.sections, 0), (self.edit_buttons, 1)))
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        self.reload()
        # Anything about this family can change what the plan's status line says is due next.
        refresh_on_changes(self, store, self.reload, family_id=family_id)

    def _show_section(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.edit_buttons.setVisible(index == 0)  # (they act on the plan's outcomes and actions)

    # --- loading ---------------------------------------------------------------------------

    def reload(self) -> None:
        family_id = self.family_id
        self.load(lambda s: load_plan_screen(s, family_id, date.today()), self._show)

    def _show(self, screen: PlanScreen) -> None:
        self.screen = screen
        restore, self._restore = self._restore, None
        self.episode_id = screen.episode_id
        self.read_only = screen.read_only
        self.status.setText(screen.status_text)
        self.tree.clear()
        if screen.plan is not None:
            for o in screen.plan.outcomes:
                top = QTreeWidgetItem([o.what_will_be_different, o.for_whom, "", "", ""])
                top.setData(0, Qt.ItemDataRole.UserRole, ("outcome", o))
                top.setToolTip(1, o.for_whom)
                top.setToolTip(
                    0, f"How we'll know: {o.how_we_will_know}\nNeed or worry: {o.linked_need or '—'}"
                )
                font = top.font(0)
                font.setBold(True)
                top.setFont(0, font)
                for a in o.actions:
                    child = QTreeWidgetItem(
                        [
                            a.what,
                            a.who,
                            f"{show_date(a.by_when)}" if a.by_when else "",
                            STATUS_LABELS[a.status],
                            rag_words(a.rag, a.rag_reason, a.overdue),
                        ]
                    )
                    child.setData(0, Qt.ItemDataRole.UserRole, ("action", a))
                    child.setToolTip(0, a.what)
                    child.setToolTip(1, a.who)
                    if a.rag in RAG_COLOURS:
                        child.setBackground(4, QColor(RAG_COLOURS[a.rag]))
                        # Dark ink on the pale RAG colours reads in the dark theme too.
                        child.setForeground(4, QColor(RAG_INK))
                    top.addChild(child)
                self.tree.addTopLevelItem(top)
            self.tree.expandAll()
        self.history.setHtml(history_html(screen.history))
        has_episode = screen.episode_id is not None
        editable = has_episode and not screen.read_only
        for b in (self.add_outcome_button, self.add_action_button):
            b.setEnabled(editable)
        self._chosen_changed()
        self.close_button.setEnabled(editable)
        self.close_button.setVisible(not screen.read_only)  # (a closed case has "Reopen case…")
        manager = self.actor_role in closure.MANAGER_ROLES
        self.signoff_button.setVisible(editable and screen.needs_signoff)
        self.signoff_button.setEnabled(manager)
        if not manager:
            self.signoff_button.setToolTip("A manager signs off a case staying open past 12 months.")
        self.reopen_button.setVisible(has_episode and screen.read_only)
        self.reopen_button.setEnabled(manager)
        self.plan_document.setEnabled(has_episode)
        self.closure_document.setVisible(has_episode and screen.read_only)
        if restore:
            self._reopen_dialog(restore)

    # --- a half-typed dialog across a lock ----------------------------------------------------

    def place_detail(self) -> dict | None:
        """An outcome or action dialog left open is kept, with what was typed in it, as a draft."""
        dialog = self.dialog
        if not isinstance(dialog, OutcomeDialog | ActionDialog) or not dialog.isVisible() or dialog.saving:
            return None  # none open, or its save is queued (it lands before the lock ends)
        kind = "outcome" if isinstance(dialog, OutcomeDialog) else "action"
        item = self._dialog_item
        return {"dialog": kind, "item_id": item.id if item is not None else None, "values": dialog.draft()}

    def restore_place(self, detail: dict) -> None:
        if detail.get("dialog"):
            self._restore = detail

    def _reopen_dialog(self, detail: dict) -> None:
        plan = self.screen.plan if self.screen is not None else None
        if self.read_only or plan is None:
            return
        self.dialog = None
        wanted = detail.get("item_id")
        if detail["dialog"] == "outcome":
            items = [("outcome", o) for o in plan.outcomes]
        else:
            items = [("action", a) for o in plan.outcomes for a in o.actions]
        found = next((pair for pair in items if wanted and pair[1].id == wanted), None)
        if found is not None:
            self.edit_item(found)
        elif detail["dialog"] == "outcome":
            self.add_outcome()
        else:
            self.add_action()
        if self.dialog is not None:
            self.dialog.load_draft(detail.get("values") or {})

    def _selected(self):
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    def _chosen_changed(self) -> None:
        """Edit and Remove act on the outcome or action chosen: off with none chosen."""
        editable = self.episode_id is not None and not self.read_only
        for b in (self.edit_button, self.remove_button):
            b.setEnabled(editable and self._selected() is not None)

    def _after_change(self, text: str):
        def then(_):
            self.show_message(text)
            self.reload()

        return then

    # --- outcomes and actions -----------------------------------------------------------------

    def add_outcome(self) -> None:
        self._dialog_item = None
        self.dialog = OutcomeDialog(self)
        dialog, episode_id = self.dialog, self.episode_id
        self.save_dialog(
            dialog,
            lambda: bind(plans.add_outcome, episode_id, dialog.values()),
            self._after_change("Outcome added."),
        )
        dialog.open()

    def add_action(self) -> None:
        if not self.screen or not self.screen.plan or not self.screen.plan.outcomes:
            self.show_message("Add an outcome first: every action belongs to an outcome.", error=True)
            return
        selected = self._selected()
        outcomes = list(self.screen.plan.outcomes)
        self._dialog_item = None
        self.dialog = ActionDialog(self, outcomes=outcomes, choices=self.screen.who_choices)
        dialog = self.dialog
        if selected:
            kind, item = selected
            wanted = item.id if kind == "outcome" else item.outcome_id
            dialog.outcome.setCurrentIndex(max(dialog.outcome.findData(wanted), 0))
        self.save_dialog(
            dialog,
            lambda: bind(plans.add_action, dialog.outcome_id(), dialog.values()),
            self._after_change("Action added."),
        )
        dialog.open()

    def edit_selected(self) -> None:
        selected = self._selected()
        if not selected or self.read_only:
            return
        self.edit_item(selected)

    def edit_item(self, selected) -> None:
        kind, item = selected
        self._dialog_item = item
        if kind == "outcome":
            self.dialog = OutcomeDialog(self, outcome=item)
            dialog = self.dialog
            self.save_dialog(
                dialog,
                lambda: bind(plans.update_outcome, item.id, dialog.values()),
                self._after_change("Outcome saved."),
            )
        else:
            choices = self.screen.who_choices if self.screen is not None else ()
            self.dialog = ActionDialog(self, action=item, choices=choices)
            dialog = self.dialog
            self.save_dialog(
                dialog,
                lambda: bind(plans.update_action, item.id, dialog.values()),
                self._after_change("Action saved."),
            )
        dialog.open()

    def remove_selected(self) -> None:
        selected = self._selected()
        if not selected:
            return
        kind, item = selected
        remove = plans.remove_outcome if kind == "outcome" else plans.remove_action
        self.run(
            lambda s: remove(s, item.id),
            self._after_change("Removed from the plan (earlier versions keep it)."),
        )

    # --- closure and sign-off ---------------------------------------------------------------------

    def close_case(self) -> None:
        episode_id, family_id = self.episode_id, self.family_id
        self.load(
            lambda s: (
                closure.missing_by_reason(s, episode_id),
                plans.get_plan(s, episode_id).outcomes,
                tuple(
                    h
                    for h in handovers.list_handovers(s, family_id)
                    if h.episode_id == episode_id and h.direction == "step_up"
                ),
            ),
            self._open_close_dialog,
        )

    def _open_close_dialog(self, found) -> None:
        missing, outcomes, step_ups = found
        self.dialog = CloseDialog(self, missing, self.actor_role in closure.MANAGER_ROLES, outcomes, step_ups)
        dialog = self.dialog
        episode_id = self.episode_id

        role = self.actor_role
        self.save_dialog(
            dialog,
            lambda: bind(
                closure.close_episode, episode_id, today=date.today(), actor_role=role, **dialog.values()
            ),
            self._after_change("The case is closed."),
        )
        dialog.open()

    def sign_off(self) -> None:
        self.dialog = SignoffDialog(self)
        dialog = self.dialog
        episode_id = self.episode_id
        role = self.actor_role
        self.save_dialog(
            dialog,
            lambda: bind(
                extensions.sign_off_extension,
                episode_id,
                today=date.today(),
                actor_role=role,
                **dialog.values(),
            ),
            self._after_change("Signed off: the case can stay open until the new date."),
        )
        dialog.open()

    def reopen(self) -> None:
        self.dialog = ReopenDialog(self)
        dialog = self.dialog
        episode_id = self.episode_id
        role = self.actor_role
        self.save_dialog(
            dialog,
            lambda: bind(
                closure.reopen_episode, episode_id, today=date.today(), actor_role=role, **dialog.values()
            ),
            self._after_change("The case is open again."),
        )
        dialog.open()

    def flush_pending(self) -> None:
        # Every change here is saved when its form is confirmed; nothing is held back.
        return None
