"""PySide reads the whole source of every module imported after it, once each: its import hook
(for ``from __feature__ import snake_case, true_property``, which switches a module's view of the
Qt classes) records whether each module "uses PySide" by searching the text of its file for
``PySide6`` (``shibokensupport/feature.py``, ``_mod_uses_pyside``: ``inspect.getsource``, which
reads, decodes and joins the file, and walks ``sys.modules``). Before the sign-in screen's first
paint that is 42 modules (``typing``, ``logging``, ``pathlib``... and ehdesk's own): about 17 M
instructions, 3% of a bare PySide window's whole start, and as many files read.

ehdesk uses no ``__feature__``, so the answer changes nothing: "uses PySide, with no feature",
what the check answers for every module that names PySide, is given for every module without
reading it (for one that does not, the other answer, "ignore it", means the same while no module
selects a feature). PySide's private names are used here; if they change, nothing is replaced
and PySide reads the sources as before."""

from __future__ import annotations

import sys


def _uses_pyside(module) -> bool:
    return True


def skip_source_reads() -> bool:
    """Replace the check, once PySide is imported. True if it was replaced."""
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_pyside
    return True
