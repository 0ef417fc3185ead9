"""The layers point one way (DESIGN.md §2). This reads every import in `ehdesk/` (module level and
inside functions) and fails on any arrow that is not declared below, so a new arrow is a decision
written here with its reason, never an accident."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ehdesk"
QT = "Qt"

# layer -> the layers it may import. A layer is a sub-package of ehdesk (or a top-level module).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "paths": set(),
    "errors_cli": {"errors"},
    "config": {"errors", "paths"},
    "models": {"errors"},
    "forms": {"config", "errors", "paths"},
    "store": {"models", "errors", "paths", "config"},
    # casework -> pdf: see KNOWN_DEBT.
    "casework": {"models", "forms", "config", "errors", "paths", "pdf"},
    # Documents render what casework gives them (view objects, audit of issuing).
    "pdf": {"casework", "models", "forms", "config", "errors", "paths"},
    "reports": {"casework", "pdf", "models", "config", "errors", "paths"},
    "sync": {"models", "store", "config", "errors", "paths"},
    "demo": {"casework", "models", "store", "forms", "config", "errors", "paths", "pdf"},
    "commands": {
        "casework",
        "config",
        "demo",
        "errors",
        "forms",
        "models",
        "paths",
        "pdf",
        "reports",
        "store",
        "sync",
    },
    # The server shares the domain models, the wire protocol (sync.protocol) and the return; it
    # reads the domain migration scripts by path (server/db.py) and never imports the store.
    "server": {"models", "sync", "reports", "casework", "pdf", "config", "errors", "errors_cli", "paths"},
    "ui": {
        QT,
        "casework",
        "config",
        "demo",
        "errors",
        "forms",
        "models",
        "pdf",
        "reports",
        "store",
        "sync",
        "paths",
        "errors_cli",
    },
    # The `ehdesk` command opens the GUI (lazily, so headless commands never load Qt).
    "cli": {"commands", "errors", "errors_cli", "paths", "ui"},
    "__init__": set(),
    "__main__": {"cli"},
}

# Arrows that exist today and should go; each is pinned to the one module that has it, so it
# cannot spread. casework.agreements renders the agreement PDF when it freezes a signed
# agreement (the frozen bytes and their hash are part of the record).
KNOWN_DEBT = {("ehdesk.casework.agreements", "pdf")}


def _imports() -> dict[tuple[str, str], set[str]]:
    """(importing module, its layer) -> the layers it imports."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        module = ".".join(rel.parts)
        layer = rel.parts[1]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] in ("PySide6", "shiboken6"):
                    found[(module, layer)].add(QT)
                elif parts[0] == "ehdesk" and len(parts) > 1 and parts[1] != layer:
                    found[(module, layer)].add(parts[1])
    return found


def test_every_import_follows_a_declared_arrow():
    wrong = []
    for (module, layer), targets in sorted(_imports().items()):
        assert layer in ALLOWED, f"{module}: layer {layer!r} is not declared in tests/test_architecture.py"
        for target in sorted(targets - ALLOWED[layer]):
            wrong.append(f"{module} imports {target}")
        for target in sorted(targets & {"pdf"}):
            if layer == "casework" and (module, target) not in KNOWN_DEBT:
                wrong.append(f"{module} imports {target} (casework builds views; pdf renders them)")
    assert not wrong, "Imports that break the layering (DESIGN.md §2):\n" + "\n".join(wrong)


def test_qt_lives_only_in_the_ui():
    outside = sorted(m for (m, layer), t in _imports().items() if QT in t and layer != "ui")
    assert outside == []


def test_the_server_process_loads_neither_qt_nor_the_local_store():
    # At run time too: a transitive import would put SQLCipher or Qt into every server process.
    probe = (
        "import sys, ehdesk.server.app, ehdesk.server.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'sqlcipher3')"
        " or m.startswith(('ehdesk.ui', 'ehdesk.store'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_headless_commands_do_not_load_qt():
    probe = (
        "import sys, ehdesk.cli, ehdesk.casework, ehdesk.sync.engine, ehdesk.reports\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
