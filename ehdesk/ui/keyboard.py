"""Working from the keyboard: Tab always leaves a multi-line field, every tab of the family record
gets an Alt+letter, and one list of the app's shortcuts that the Help dialog shows."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QPlainTextEdit, QTabWidget, QTextEdit

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


_WATCHED = (QEvent.Type.FocusIn, QEvent.Type.KeyPress)


class TabLeavesTextFields(QObject):
    """Installed on the application: a notes box given focus lets Tab move on, as every other
    field does (Ctrl+Tab moves between the family record's tabs)."""

    def eventFilter(self, watched, event) -> bool:  # noqa: N802  (Qt's name)
        if event.type() in _WATCHED and isinstance(watched, QPlainTextEdit | QTextEdit):
            if not watched.tabChangesFocus():
                watched.setTabChangesFocus(True)
        return False


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
