"""Household members: a list on the left, the chosen member's details on the right. A member is
saved with Save (Ctrl+S); anything unsaved is kept as a draft on lock, close or switching."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ehdesk.casework import drafts, families
from ehdesk.casework.families import MemberView
from ehdesk.config.dates import read_typed_dates, show_date
from ehdesk.config.pack import current_pack
from ehdesk.errors import ValidationError
from ehdesk.ui.family.form import RecordForm
from ehdesk.ui.ops import error_text, for_store
from ehdesk.ui.style import heading
from ehdesk.ui.widgets import combo

NEW = "new"


def describe(m: MemberView, today: date | None = None) -> str:
    today = today or date.today()
    pack = current_pack()
    relation = pack.label("relationships", m.relationship) or ("Adult" if m.role == "adult" else "Child")
    if m.gender == "unborn" and m.due_date:
        when = f"due {show_date(m.due_date)}"
    elif m.date_of_birth:
        years = (
            today.year
            - m.date_of_birth.year
            - ((today.month, today.day) < (m.date_of_birth.month, m.date_of_birth.day))
        )
        when = f"{years} yrs, born {show_date(m.date_of_birth)}"
    else:
        when = "date of birth not known"
    return f"{m.full_name}\n{relation} · {when}"


class MemberEditor(RecordForm):
    def __init__(self, store, family_id, parent=None) -> None:
        super().__init__(store, family_id, autosave=False, parent=parent)
        pack = current_pack()
        self.member_id: str | None = None
        self.add_field("given_name", "First name", QLineEdit())
        self.add_field("family_name", "Last name", QLineEdit())
        self.add_field("other_names", "Other names", QLineEdit())
        self.add_field(
            "role", "Adult or child", combo([("child", "Child"), ("adult", "Adult")], "Adult or child")
        )
        self.add_field(
            "relationship",
            "Relationship",
            combo([(r.code, r.label) for r in pack.relationships], "Relationship", blank="Not recorded"),
        )
        gender = self.add_field(
            "gender", "Gender", combo([(g.code, g.label) for g in pack.genders], "Gender")
        )
        self.add_field("date_of_birth", "Date of birth", QLineEdit())
        self.add_field("due_date", "Due date (unborn)", QLineEdit())
        for name in ("date_of_birth", "due_date"):
            self.form.fields[name].setPlaceholderText("dd/mm/yyyy")
        self.add_field(
            "ethnicity_code",
            "Ethnicity",
            combo([(e.code, f"{e.group}: {e.label}") for e in pack.ethnicities], "Ethnicity"),
        )
        self.add_field("religion", "Religion", QLineEdit())
        self.add_field(
            "parental_responsibility", "Parental responsibility", QCheckBox("Has parental responsibility")
        )
        self.add_field("lives_in_household", "Lives here", QCheckBox("Lives in the household"))
        self.add_field("school_or_setting", "School or setting", QLineEdit())
        sen = self.add_field("disability_sen", "Disability / SEN", QPlainTextEdit())
        sen.setTabChangesFocus(True)
        sen.setMaximumHeight(sen.fontMetrics().lineSpacing() * 4)
        nhs = self.add_field("nhs_number", "NHS number", QLineEdit())
        nhs.setPlaceholderText("10 digits")
        # Where the pane is narrower than a label and its field side by side (853 px at 150% on a
        # 1,280x720 screen: "Parental responsibility" beside the longest ethnicity), that field
        # goes under its label instead of the form scrolling sideways and cutting the boxes off.
        self.form.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        gender.currentIndexChanged.connect(self._gender_changed)
        self.form.fields["role"].currentIndexChanged.connect(self._role_changed)
        self._gender_changed()

    def _gender_changed(self, *args) -> None:
        unborn = self.form.fields["gender"].currentData() == "unborn"
        self.form.fields["due_date"].setEnabled(unborn)
        self.form.fields["date_of_birth"].setEnabled(not unborn)

    def _role_changed(self, *args) -> None:
        adult = self.form.fields["role"].currentData() == "adult"
        self.form.fields["school_or_setting"].setEnabled(not adult)

    def draft_key(self) -> str:
        return f"family:{self.family_id}:member:{self.member_id or NEW}"

    def show_member(self, member: MemberView | None, draft: dict | None = None) -> None:
        self.member_id = member.id if member else None
        if member is None:
            blank = {name: "" for name in self.form.fields}
            blank.update(
                role="child",
                gender="not_known",
                ethnicity_code="NOBT",
                relationship=None,
                parental_responsibility=False,
                lives_in_household=True,
            )
            self.load_raw(blank)
        else:
            raw = {name: getattr(member, name) for name in self.form.fields}
            raw["date_of_birth"] = f"{member.date_of_birth:%d/%m/%Y}" if member.date_of_birth else ""
            raw["due_date"] = f"{member.due_date:%d/%m/%Y}" if member.due_date else ""
            self.load_raw(raw)
        if draft:
            self.load_raw(draft, dirty=True)

    def build_save(self, raw: dict):
        data = dict(raw)
        data["relationship"] = data.get("relationship") or ""
        try:
            data.update(
                read_typed_dates(raw, {"date_of_birth": "the date of birth", "due_date": "the due date"})
            )
        except ValidationError as bad_dates:
            # Report every mistake at once: the unreadable date, and whatever else is wrong.
            errors = {}
            try:
                families.clean_person({**data, "date_of_birth": None, "due_date": None})
            except ValidationError as others:
                errors.update(
                    {k: v for k, v in others.fields.items() if k not in ("date_of_birth", "due_date")}
                )
            raise ValidationError({**errors, **bad_dates.fields}) from None
        if data.get("gender") == "unborn":
            data["date_of_birth"] = None
        family_id, member_id = self.family_id, self.member_id
        if member_id:
            return lambda s: (families.update_person(s, member_id, data), member_id)[1]
        return lambda s: families.add_person(s, family_id, data)

    def _after_save(self, result, generation) -> None:
        if result.saved and self.member_id is None and generation >= self._generation:
            # A new member became a saved one: later edits update it instead of adding again.
            self.member_id = result.value
        super()._after_save(result, generation)


class MembersTab(QWidget):
    changed = Signal()

    def __init__(self, store, family_id, parent=None) -> None:
        super().__init__(parent)
        self.store, self.family_id = store, family_id
        self.ops = for_store(store)
        self.members: list[MemberView] = []
        self.list = QListWidget()
        self.list.setAccessibleName("Household members")
        self.list.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 20)
        # "Mother · 39 yrs, born 28 September 1987" wraps in a narrow list rather than scroll.
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.add_button = QPushButton("&Add member")
        self.remove_button = QPushButton("&Remove member")
        self.save_button = QPushButton("&Save member")
        self.save_button.setProperty("primary", True)
        self.save_button.setToolTip("Save this member's details (Ctrl+S)")
        self.discard_button = QPushButton("&Discard changes")
        self.discard_button.setToolTip("Forget what was typed since the last save")
        self.editor = MemberEditor(store, family_id)
        self.editor.saved.connect(self._saved)
        self.editor_title = heading("", "section")

        left = QVBoxLayout()
        left.addWidget(heading("Members", "section"))
        left.addWidget(self.list, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        left.addLayout(buttons)
        right_inner = QWidget()
        inner = QVBoxLayout(right_inner)
        inner.setContentsMargins(0, 0, 8, 0)
        inner.addWidget(self.editor)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(right_inner)
        scroll.setAccessibleName("Member details")
        # The Save button stays in sight however long the form is, so it cannot be missed.
        right = QVBoxLayout()
        right.addWidget(self.editor_title)
        right.addWidget(scroll, 1)
        save_row = QHBoxLayout()
        save_row.addWidget(self.editor.status, 1)  # "not saved yet" sits beside the button that saves
        save_row.addWidget(self.discard_button)
        save_row.addWidget(self.save_button)
        right.addLayout(save_row)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)

        self.add_button.clicked.connect(self.add_member)
        self.remove_button.clicked.connect(self.remove_member)
        self.save_button.clicked.connect(self.editor.save)
        self.discard_button.clicked.connect(self.discard)
        QShortcut(QKeySequence.StandardKey.Save, self, self.editor.save)
        self.list.currentItemChanged.connect(self._selected)

    def show_members(self, members: list[MemberView], drafts: dict[str, dict]) -> None:
        self.members = members
        self._fill_list()
        prefix = f"family:{self.family_id}:member:"
        pending = {k[len(prefix) :]: v for k, v in drafts.items() if k.startswith(prefix)}
        if "new" in pending:
            self._edit(None, pending["new"])
        elif pending:
            member_id, draft = next(iter(pending.items()))
            self._select(member_id)
            self._edit(self._member(member_id), draft)
        elif members:
            self._select(members[0].id)
        else:
            self._edit(None)

    def _fill_list(self, select_id: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for m in self.members:
            item = QListWidgetItem(describe(m))
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        if select_id:
            self._select(select_id, quiet=True)

    def _select(self, member_id: str, quiet: bool = False) -> None:
        for i in range(self.list.count()):
            if self.list.item(i).data(Qt.ItemDataRole.UserRole) == member_id:
                self.list.blockSignals(quiet)
                self.list.setCurrentRow(i)
                self.list.blockSignals(False)
                return

    def _member(self, member_id: str | None) -> MemberView | None:
        return next((m for m in self.members if m.id == member_id), None)

    def _edit(self, member: MemberView | None, draft: dict | None = None) -> None:
        self.editor.show_member(member, draft)
        self.editor_title.setText(f"Details of {member.full_name}" if member else "New member")
        self.remove_button.setEnabled(member is not None)

    def _selected(self, current, previous) -> None:
        if current is None:
            return
        self.editor.flush_pending()
        self._edit(self._member(current.data(Qt.ItemDataRole.UserRole)))

    def add_member(self) -> None:
        self.editor.flush_pending()
        self.list.clearSelection()
        self.list.setCurrentItem(None)
        self._edit(None)
        self.editor.form.fields["given_name"].setFocus()

    def remove_member(self) -> None:
        member = self._member(self.editor.member_id)
        if member is None:
            return
        answer = QMessageBox.question(
            self, "Remove member", f"Remove {member.full_name} from this household's record?"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        member_id = member.id
        self.ops.write(
            lambda s: families.remove_person(s, member_id),
            lambda _: self.reload(),
            owner=self,
            on_error=lambda exc: self.editor.status.say(error_text(exc), error=True),
        )

    def discard(self) -> None:
        """The one way typing is thrown away: on purpose, by the worker."""
        key = self.editor.draft_key()
        self.ops.write(lambda s: drafts.clear_draft(s, key), owner=self)
        self._edit(self._member(self.editor.member_id))

    def _saved(self, member_id) -> None:
        self.reload(select_id=member_id)

    def reload(self, select_id: str | None = None) -> None:
        family_id = self.family_id

        def done(members):
            self.members = members
            self._fill_list(select_id)
            if select_id is None:
                if members:
                    self._select(members[0].id)
                else:
                    self._edit(None)
            else:
                self.editor_title.setText(f"Details of {self._member(select_id).full_name}")
                self.remove_button.setEnabled(True)
            self.changed.emit()

        self.ops.query(
            lambda s: families.get_family(s, family_id, audit_view=False).members, done, owner=self
        )

    def place_detail(self) -> dict:
        return {"member_id": self.editor.member_id}

    def restore_place(self, detail: dict) -> None:
        member_id = detail.get("member_id")
        if member_id and self._member(member_id) is not None:
            self._select(member_id)

    def flush_pending(self) -> None:
        self.editor.flush_pending()
