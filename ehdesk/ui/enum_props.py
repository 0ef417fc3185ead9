"""Qt enum settings made by name, through Qt's own properties, on the sign-in screen's path.

Naming PySide's ``Qt`` namespace has PySide build its Python types, every enum of it at once
(93 enums, about 120 M instructions, a tenth of the app's start), and so does any call to an
overload that takes one of them (``setAlignment``, ``setFocusPolicy``, ``QPainter.setPen``...).
The sign-in screen sets the few it needs by the Qt property's name and the enum's key names, which
Qt converts in C++ (``"AlignLeft|AlignVCenter"``), so the namespace is built after its first paint
(``ui/app.py``). Everywhere else, ``Qt.AlignmentFlag...`` reads better: use it there."""

from __future__ import annotations

from PySide6.QtCore import QObject


def set_enum(obj: QObject, prop: str, keys: str) -> None:
    """``obj``'s Qt property ``prop`` (an enum or flags) set to ``keys``: one key, or several
    joined by ``|``. A misspelt key or property fails here, not silently."""
    if not obj.setProperty(prop, keys):
        raise ValueError(f"{type(obj).__name__}.{prop} cannot be set to {keys!r}")
