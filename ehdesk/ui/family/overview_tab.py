"""The family record's first tab: the family at a glance (casework/overview.py), each part a link
to the tab where it is worked on. Read off the UI thread, again whenever the tab is shown."""

from __future__ import annotations

from datetime import date
from html import escape

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from ehdesk.casework.overview import FamilyOverview, family_overview
from ehdesk.config.dates import show_date
from ehdesk.store import Store
from ehdesk.ui.ops import error_text, for_store
from ehdesk.ui.style import current

# Which tab each due item is worked on in (codes from casework.timescales.due_items).
DUE_TABS = {
    "first_taf": "meetings",
    "review": "meetings",
    "agreement": "agreement",
    "baseline_reading": "progress",
    "review_reading": "progress",
    "session": "sessions",
    "episode_limit": "plan",
}


def _link(tab: str, text: str) -> str:
    return f'<a href="tab:{tab}" style="color: {current().accent}">{escape(text)}</a>'


class OverviewTab(QWidget):
    go_to = Signal(str)  # a tab key: members, case, plan, meetings, sessions, progress, agreement
    loaded = Signal()

    def __init__(self, store: Store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.family_id = store, family_id
        self.overview: FamilyOverview | None = None
        self.cards: dict[str, QLabel] = {}
        grid_holder = QWidget()
        self.grid = QGridLayout(grid_holder)
        self.grid.setContentsMargins(4, 4, 4, 4)
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(12)
        places = (
            ("family", "Who is in the family", 0, 0),
            ("case", "The case", 0, 1),
            ("due", "Due next and overdue", 1, 0),
            ("taf", "TAF meetings", 1, 1),
            ("reading", "Latest progression reading", 2, 0),
            ("people", "Lead professional and agencies", 2, 1),
        )
        for key, title, row, column in places:
            self.grid.addWidget(self._card(key, title), row, column)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        self.grid.setRowStretch(3, 1)
        # The empty state offers the next step itself.
        self.open_case_button = QPushButton("Open a case…")
        self.open_case_button.setToolTip("Record the request for support and open the case, on the Case tab")
        self.open_case_button.clicked.connect(lambda: self.go_to.emit("case"))
        self.open_case_button.hide()
        self.grid.addWidget(self.open_case_button, 4, 0, Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(grid_holder)
        scroll.setAccessibleName("Family overview")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        self.reload()

    def _card(self, key: str, title: str) -> QWidget:
        card = QFrame()
        card.setProperty("card", True)  # drawn by ui/style.py in every theme
        box = QVBoxLayout(card)
        heading = QLabel(title)
        heading.setProperty("role", "section")
        body = QLabel("Loading…")
        body.setWordWrap(True)
        body.setTextFormat(Qt.TextFormat.RichText)
        body.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        body.setOpenExternalLinks(False)
        body.linkActivated.connect(self._link_activated)
        body.setAccessibleName(title)
        body.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        box.addWidget(heading)
        box.addWidget(body, 1)
        self.cards[key] = body
        return card

    def _link_activated(self, href: str) -> None:
        if href.startswith("tab:"):
            self.go_to.emit(href[4:])

    def reload(self) -> None:
        family_id = self.family_id
        for_store(self.store).query(
            lambda s: family_overview(s, family_id, date.today()),
            self._show,
            owner=self,
            on_error=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.cards["family"].setText(error_text(exc))

    def _show(self, overview: FamilyOverview) -> None:
        self.overview = overview
        self.cards["family"].setText(self._family_html(overview))
        self.cards["case"].setText(self._case_html(overview))
        self.cards["due"].setText(self._due_html(overview))
        self.cards["taf"].setText(self._taf_html(overview))
        self.cards["reading"].setText(
            _link("progress", overview.latest_reading)
            if overview.latest_reading
            else "No reading yet. " + _link("progress", "Take a baseline reading")
            if overview.case_open
            else "No readings."
        )
        self.cards["people"].setText(self._people_html(overview))
        self.open_case_button.setVisible(not overview.case_open)
        self.loaded.emit()

    # -- the cards, as short rich text with links ----------------------------------------------

    @staticmethod
    def _family_html(o: FamilyOverview) -> str:
        if not o.members:
            return "Nobody recorded yet. " + _link("members", "Add the family's members")
        lines = [
            f"{escape(m.name)} <span>({escape(m.detail)})</span>" if m.detail else escape(m.name)
            for m in o.members
        ]
        return "<br>".join(lines) + "<br>" + _link("members", "Members")

    @staticmethod
    def _case_html(o: FamilyOverview) -> str:
        if not o.case_summary:
            return "No case open. Open one from the Case tab when a request for support is accepted."
        return escape(o.case_summary) + "<br>" + _link("case", "The case")

    @staticmethod
    def _due_html(o: FamilyOverview) -> str:
        if not o.case_open:
            return "Nothing is due: the family has no open case."
        if not o.due:
            return "Nothing is due."
        warn = current().warn
        lines = []
        for item in o.due[:6]:
            when = (
                f"overdue since {show_date(item.due_on)}" if item.overdue else f"due {show_date(item.due_on)}"
            )
            detail = f" ({escape(item.detail)})" if item.detail else ""
            text = f"{_link(DUE_TABS.get(item.code, 'plan'), item.label)}: {when}{detail}"
            # Overdue is said in words and marked, not shown by colour alone.
            lines.append(f'<b style="color: {warn}">⚠ {text}</b>' if item.overdue else text)
        return "<br>".join(lines)

    @staticmethod
    def _taf_html(o: FamilyOverview) -> str:
        if not o.case_summary:
            return "No TAF meetings: the family has no case."
        last = f"Last held {show_date(o.last_taf_on)}" if o.last_taf_on else "No TAF meeting held yet"
        if o.next_taf_booked_on:
            following = f"next booked for {show_date(o.next_taf_booked_on)}"
        elif o.next_taf_due_on:
            following = f"next due by {show_date(o.next_taf_due_on)}, not booked yet"
        else:
            following = "none due"
        return f"{last}; {following}.<br>" + _link("meetings", "Meetings")

    @staticmethod
    def _people_html(o: FamilyOverview) -> str:
        lead = escape(o.lead_professional) if o.lead_professional else "No lead professional recorded."
        agencies = ", ".join(escape(a) for a in o.agencies) if o.agencies else "No other agencies recorded."
        return f"Lead professional: {lead}<br>Agencies: {agencies}<br>" + _link("case", "The case")

    def flush_pending(self) -> None:
        """Nothing is typed here; the record calls this on every tab."""
