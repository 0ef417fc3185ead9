"""Working from the keyboard: Tab always leaves a multi-line field, every tab of the family record
gets an Alt+letter, and one list of the app's shortcuts that the Help dialog shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication, QTabWidget

SHORTCUTS: list[tuple[str, str]] = [
    ("Ctrl+1", "My caseload"),
    ("Ctrl+2", "Reports"),
    ("Ctrl+3", "Sign-offs needed (managers)"),
    ("Ctrl+4", "Conflicts (when syncing with a server)"),
    ("Ctrl+F", "Find a family (on the caseload)"),
    ("Ctrl+Tab / Ctrl+Shift+Tab", "Next / previous tab of the family record (also Ctrl+PgDown / PgUp)"),
    ("Alt+underlined letter", "Go to that tab, button or field"),
    ("Alt+Left", "Back to the caseload from a family record"),
    ("Tab / Shift+Tab", "Next / previous field (also out of a notes box)"),
    ("Ctrl+L", "Lock: your work is saved, sign in again to carry on"),
    ("Ctrl+Q", "Quit: saves as Lock does"),
    ("Ctrl+,", "Settings: theme, high contrast, text size"),
    ("F1 or Ctrl+/", "This list"),
]


class TabLeavesTextFields(QObject):
    """Connected to the application's focus changes: a notes box given focus lets Tab move on, as
    every other field does (Ctrl+Tab moves between the family record's tabs). A signal, not an
    event filter on the application: a filter runs Python for every event of every widget (20 ms
    of the sign-in screen's first paint, and part of every keystroke); this runs once per focus
    change, before any key reaches the box."""

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        app.focusChanged.connect(self.focus_changed)

    def focus_changed(self, _old, new) -> None:
        # By Qt's class name: importing the classes would have PySide build their Python types
        # (and their enums) as the sign-in screen starts, which has no notes box.
        if new is None or not (new.inherits("QPlainTextEdit") or new.inherits("QTextEdit")):
            return
        if not new.tabChangesFocus():
            new.setTabChangesFocus(True)


def assign_mnemonics(tabs: QTabWidget, reserved: str = "") -> None:
    """Give every tab without one an Alt+letter from its own title, different from every other
    tab's and from ``reserved`` (letters other controls on the screen use). Tabs with the fewest
    letters to choose from choose first, so "Progress" still finds one after "Plan"."""
    used = set(reserved.lower())
    titles = [tabs.tabText(i) for i in range(tabs.count())]
    for title in titles:
        if "&" in title:
            used.add(title[title.index("&") + 1].lower())

    def choices(title: str) -> list[int]:
        return [pos for pos, char in enumerate(title) if char.isalpha() and char.lower() not in used]

    waiting = [i for i, title in enumerate(titles) if "&" not in title]
    while waiting:
        waiting.sort(key=lambda i: (len(choices(titles[i])), i))
        i = waiting.pop(0)
        free = choices(titles[i])
        if free:
            pos = free[0]
            used.add(titles[i][pos].lower())
            tabs.setTabText(i, titles[i][:pos] + "&" + titles[i][pos:])
