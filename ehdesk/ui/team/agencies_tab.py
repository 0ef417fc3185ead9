"""The family record's "Agencies" tab: who is working with the family (agency from the pack, name,
role, contact, since/until, consent to share, the lead professional with a pack role), and the
ecomap of the whole network beside it, with a short form to add wider family and friends."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import consent, network, professionals
from ehdesk.casework.network import Ecomap
from ehdesk.casework.professionals import ProfessionalView
from ehdesk.config.dates import show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.ui.flow import FlowLayout
from ehdesk.ui.plan.base import EpisodeTab
from ehdesk.ui.team.ecomap import EcomapView
from ehdesk.ui.widgets import (
    Columns,
    DateField,
    DraggableColumns,
    ElidingCombo,
    FieldForm,
    combo,
    set_combo,
    share_width,
    show_rows,
)

# "May share" on two lines: on one it was the widest heading, and with the others it made the
# list too wide to sit beside the ecomap at 150% on a 1,280x720 screen.
COLUMNS = ["Agency", "Name", "Role", "Since", "Until", "Lead", "May\nshare"]


@dataclass
class AgenciesData:
    people: list[ProfessionalView]
    consents: list[tuple[str, str]]  # (id, label) of consents to share
    ecomap: Ecomap


def _d(value) -> str:
    return f"{show_date(value)}" if value else ""


class AgenciesTab(EpisodeTab):
    def __init__(self, store, family_id: str, parent: QWidget | None = None) -> None:
        super().__init__(store, family_id, parent)
        pack = current_pack()
        self.people: list[ProfessionalView] = []
        self.editing: str | None = None

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setAccessibleName("Professionals working with the family")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)  # (row numbers: width the columns need more)
        self.table.itemSelectionChanged.connect(self._chosen)
        # Every column in sight at once, as in the other lists: the agency, name, role, dates and
        # lead whole where there is room, the agency taking what is spare; in a narrow pane (the
        # list beside the ecomap at 1,280x720, and more so at 150%) they wrap, never inside a
        # word, and the rows grow. As wide as its contents, it scrolled sideways at both.
        self.table.widths = share_width(self.table, stretch=0, shrink=(0, 1, 2, 3, 4, 5))

        # The agency across the pane, the rest in two columns, so the list and the ecomap keep most
        # of a 1280x720 window and the longest agency is read whole beside the others.
        self.form = FieldForm()
        f = self.form
        f.add("agency", "Agency:", combo([(c.code, c.label) for c in pack.agencies], "Agency", "Choose…"))
        first = FieldForm()
        first.add("name", "Name:", QLineEdit())
        first.add("role", "Role:", QLineEdit())
        first.add("contact", "Contact:", QLineEdit())
        first.add("strength", "Tie (ecomap):", combo(
            [(c.code, c.label) for c in pack.team_practice.tie_strengths], "Tie strength", "Not said"
        ))  # fmt: skip
        beside = FieldForm()
        g = beside
        g.add("since", "Since:", DateField())
        g.add("until", "Stopped on:", DateField())
        g.add("consent_id", "Consent:", combo([], "Consent to share", "No consent to share"))
        g.add("is_lead", "Lead:", QCheckBox("The lead professional"))
        g.add(
            "lead_role",
            "Lead's role:",
            combo(
                [(c.code, c.label) for c in pack.team_practice.lead_professional_roles],
                "Lead role",
                "Choose…",
            ),
        )
        # One set of fields and messages, whichever column a field sits in.
        for part in (first, beside):
            f.fields.update(part.fields)
            f.errors.update(part.errors)
        whole_choices(f)
        same_label_width(f, first, beside)
        # The agency row sits on the columns as one more row of the same form.
        m = f.layout_.contentsMargins()
        f.layout_.setContentsMargins(m.left(), m.top(), m.right(), 0)
        for part in (first, beside):
            part.layout_.setContentsMargins(m.left(), f.layout_.verticalSpacing(), m.right(), m.bottom())
        # Side by side where they fit, one above the other where they do not (853 px at 150% on a
        # 1,280x720 screen cut off the right-hand column).
        columns = QWidget()
        cl = QVBoxLayout(columns)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(f)
        cl.addWidget(Columns((first, 1), (beside, 1)))
        self.new_button = QPushButton("&New professional")
        self.new_button.clicked.connect(self.new)
        self.save_button = QPushButton("&Save professional")
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Remove (entered in error)")
        self.remove_button.clicked.connect(self.remove)
        # The buttons wrap onto a second line rather than set the pane's width: side by side they
        # made the list and its form 499 px at the least, and the page scroll sideways at 150%.
        buttons = FlowLayout().add_widgets(self.new_button, self.save_button, self.remove_button)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        # The professionals stay in sight (at least five rows at 1,280x720); the form below them
        # has its whole height where there is room, and scrolls in what is left where not.
        show_rows(self.table, 5)
        ll.addWidget(self.table, 1)
        ll.addWidget(scrolling(columns))
        ll.addLayout(buttons)

        self.ecomap = EcomapView()
        tie_box = QGroupBox("Add to the family's network")
        self.tie_form = FieldForm(tie_box)
        t = self.tie_form
        # Beside the map the pane may be too narrow for "Friends and informal support": the choice
        # made is shortened, never cut at the arrow, and the list that opens shows it whole.
        t.add(
            "kind",
            "Who:",
            combo(
                [
                    (c.code, c.label)
                    for c in pack.team_practice.network_kinds
                    if c.code in ("wider_family", "informal")
                ],
                "Kind",
                elide_after=12,
            ),
        )
        t.add("name", "Name:", QLineEdit())
        tie_beside = FieldForm()
        tie_beside.add("relationship", "Relationship:", QLineEdit())
        tie_beside.add(
            "strength",
            "Tie:",
            combo([(c.code, c.label) for c in pack.team_practice.tie_strengths], "Tie strength"),
        )
        t.fields.update(tie_beside.fields)
        t.errors.update(tie_beside.errors)
        whole_choices(t)
        for part in (t, tie_beside):  # the group box has margins: none inside (the pane is narrow at 150%)
            part.layout_.setContentsMargins(0, 0, 0, 0)
        self.add_tie_button = QPushButton("&Add to network")
        self.add_tie_button.clicked.connect(self.add_tie)
        tl = QVBoxLayout(tie_box)
        tl.setContentsMargins(4, 4, 4, 4)  # beside the map at 150% every pixel counts
        tl.addWidget(Columns((self.tie_form, 1), (tie_beside, 1)))
        tl.addWidget(self.add_tie_button, 0, Qt.AlignmentFlag.AlignRight)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.ecomap, 1)
        rl.addWidget(scrolling(tie_box))

        # The map beside the list where both fit at their smallest, under it where not.
        split = DraggableColumns((left, 1), (right, 1))
        # Start with the list and its form a little wider than the map (the form has two columns).
        split.setSizes([5500, 4500])
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.reload()

    # -- loading -------------------------------------------------------------------------------

    def _load(self, s) -> AgenciesData:
        consents = [
            (c.id, f"{c.given_by_name}, {show_date(c.given_on)}" + (" (withdrawn)" if not c.active else ""))
            for c in consent.list_consents(s, self.family_id)
            if c.scope == "share_information"
        ]
        return AgenciesData(
            professionals.list_professionals(s, self.family_id), consents, network.ecomap(s, self.family_id)
        )

    def reload(self, select_id: str | None = None) -> None:
        self.run(self._load, lambda data: (self._show(data), self.choose_row(self.table, select_id)))

    # -- where the worker is, kept across a lock (the professional's id, nothing about them) --

    def place_detail(self) -> dict | None:
        return {"professional_id": self.editing} if self.editing else None

    def restore_place(self, detail: dict) -> None:
        if detail.get("professional_id"):
            self.reload(select_id=detail["professional_id"])

    def _show(self, data: AgenciesData) -> None:
        self.people = data.people
        box = self.form.fields["consent_id"]
        current = box.currentData()
        box.clear()
        box.addItem("No consent to share", None)
        for cid, label in data.consents:
            box.addItem(label, cid)
        set_combo(box, current)
        # Qt keeps the box's minimum from before these choices ("No consent to share"): a narrow
        # pane could squeeze it below the longest consent and cut it. Its fresh hint is the minimum.
        box.setMinimumWidth(box.sizeHint().width())
        self.table.setRowCount(0)
        for p in data.people:
            row = self.table.rowCount()
            self.table.insertRow(row)
            cells = [
                p.agency_label,
                p.name,
                p.role,
                _d(p.since),
                _d(p.until),
                p.lead_role_label if p.is_lead else "",
                "Yes" if p.may_share else "No",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, p.id)
                self.table.setItem(row, col, item)
        self.ecomap.show_map(data.ecomap)
        self.remove_button.setEnabled(self.editing is not None)  # (none chosen: nothing to remove)

    # -- editing -------------------------------------------------------------------------------

    def _chosen(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        pid = self.table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        p = next((x for x in self.people if x.id == pid), None)
        if p is None:
            return
        self.editing = p.id
        self.remove_button.setEnabled(True)
        f = self.form.fields
        set_combo(f["agency"], p.agency)
        f["name"].setText(p.name)
        f["role"].setText(p.role)
        f["contact"].setText(p.contact)
        f["since"].set_value(p.since)
        f["until"].set_value(p.until)
        set_combo(f["consent_id"], p.consent_id)
        f["is_lead"].setChecked(p.is_lead)
        set_combo(f["lead_role"], p.lead_role or None)
        set_combo(f["strength"], p.strength or None)
        self.form.show_errors({})

    def new(self) -> None:
        self.editing = None
        self.remove_button.setEnabled(False)
        self.table.clearSelection()
        f = self.form.fields
        for name in ("name", "role", "contact"):
            f[name].clear()
        for name in ("since", "until"):
            f[name].set_value(None)
        for name in ("agency", "consent_id", "lead_role", "strength"):
            f[name].setCurrentIndex(0)
        f["is_lead"].setChecked(False)
        self.form.show_errors({})
        f["agency"].setFocus()

    def values(self) -> dict:
        f = self.form.fields
        labels = {"since": "the date they started", "until": "the date they stopped"}
        errors = {n: problem for n, label in labels.items() if (problem := f[n].problem(label))}
        if errors:
            raise ValidationError(errors)
        return {
            "agency": f["agency"].currentData() or "",
            "name": f["name"].text(),
            "role": f["role"].text(),
            "contact": f["contact"].text(),
            "since": f["since"].value(),
            "until": f["until"].value(),
            "consent_id": f["consent_id"].currentData(),
            "is_lead": f["is_lead"].isChecked(),
            "lead_role": f["lead_role"].currentData() or "",
            "strength": f["strength"].currentData() or "",
        }

    def save(self) -> None:
        try:
            data = self.values()
        except ValidationError as exc:
            self.form.show_errors(exc.fields)
            return
        editing = self.editing

        def work(s):
            if editing:
                professionals.update_professional(s, editing, data)
                return editing
            return professionals.add_professional(s, self.family_id, data)

        self._write(work, self.form, "Saved.")

    def remove(self) -> None:
        if not self.editing:
            self.show_message("Choose the professional to remove first.", error=True)
            return
        editing = self.editing
        self.editing = None
        self._write(lambda s: professionals.remove_professional(s, editing), self.form, "Removed.")

    def add_tie(self) -> None:
        t = self.tie_form.fields
        data = {
            "kind": t["kind"].currentData(),
            "name": t["name"].text(),
            "relationship": t["relationship"].text(),
            "strength": t["strength"].currentData(),
        }

        def done():
            t["name"].clear()
            t["relationship"].clear()

        self._write(
            lambda s: network.add_tie(s, self.family_id, data), self.tie_form, "Added to the network.", done
        )

    def _write(self, work, form: FieldForm, said: str, after=None) -> None:
        """Run a change; field errors go beside their fields, and the list and map reload."""

        def then(value):
            if isinstance(value, str):
                self.editing = value if form is self.form else self.editing
            self.show_message(said)
            if after:
                after()
            self.reload()

        self.save_form(work, form, then)

    def flush_pending(self) -> None:
        """Nothing is typed into a draft here: every change is saved by its button."""


def whole_choices(form: FieldForm) -> None:
    """Every choice box as wide as its longest choice ("Child and adolescent mental health
    services"), so the one made is read whole; the form's columns stack to make room. Not those
    made to be shortened (``widgets.ElidingCombo``)."""
    for box in form.fields.values():
        if isinstance(box, QComboBox) and not isinstance(box, ElidingCombo):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)


def same_label_width(*forms: FieldForm) -> None:
    """The forms' labels one width, so their fields line up when the columns stack."""
    labels = [
        form.layout_.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
        for form in forms
        for row in range(form.layout_.rowCount())
    ]
    widest = max(label.sizeHint().width() for label in labels)
    for label in labels:
        label.setMinimumWidth(widest)
        label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class _FormStrip(QScrollArea):
    """``scrolling``'s area: never narrower than its form's narrowest layout (columns stacked)
    and a scroll bar beside it, so it scrolls downwards only. Scrolling sideways inside a strip
    inside a page that scrolls hid the network form's "Who" box's arrow at 150%; where the pane
    has not that width, the page scrolls (``widgets.ScrollingTabs``) and nothing is cut."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        form = self.widget()
        if form is None:
            return hint
        need = form.minimumSizeHint().expandedTo(form.minimumSize()).width()
        need += self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        return QSize(max(hint.width(), need), hint.height())

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        # The form laid out again (a longer consent added, a message shown): its width may differ.
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


def scrolling(form: QWidget) -> QScrollArea:
    """A form that scrolls inside its own strip when the window is short (1,280x720 laptops):
    the tab never makes the window grow. Beside the table and the ecomap, never inside them.
    Downwards only: the strip is as wide as the form's narrowest layout (``_FormStrip``)."""
    area = _FormStrip()
    area.setWidget(form)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setMinimumHeight(120)
    area.setAccessibleName(form.accessibleName() or "Form")
    return area
