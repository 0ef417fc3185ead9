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
    "paths": {"errors"},  # an --out that cannot be written is a user's mistake, told in plain words
    "errors_cli": {"errors"},
    "config": {"errors", "paths"},
    "models": {"errors"},
    "forms": {"config", "errors", "paths"},
    "store": {"models", "errors", "paths", "config"},
    # casework builds the documents' views and never imports pdf (it is handed the agreement
    # renderer when it freezes a signed agreement).
    "casework": {"models", "forms", "config", "errors", "paths"},
    # Pure renderers: a view object in, bytes out. From casework only the views module (see
    # PDF_MAY_IMPORT); never the models, the store or SQLAlchemy.
    "pdf": {"casework", "forms", "config", "errors", "paths"},
    # ehdesk.documents: the one place a view is built (casework), laid out (pdf) and audited.
    "documents": {"casework", "pdf", "forms", "config", "errors", "paths"},
    "reports": {"casework", "pdf", "models", "config", "errors", "paths"},
    "sync": {"models", "store", "config", "errors", "paths"},
    "demo": {"casework", "models", "store", "forms", "config", "errors", "paths", "pdf"},
    "commands": {
        "casework",
        "config",
        "demo",
        "documents",
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
        "documents",
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

# What the pdf package may import from the rest of ehdesk, module by module: the views casework
# assembles (and the words they print with), the council pack for its name and logo, the form
# engine (an assessment is laid out from its definition), and the tools' line styles. No session
# reaches a pdf module, so none may import SQLAlchemy, the models or the store.
PDF_MAY_IMPORT = {
    "ehdesk.casework.document_views",
    "ehdesk.config.dates",
    "ehdesk.config.pack",
    "ehdesk.config.settings",
    "ehdesk.forms.engine",
    "ehdesk.forms.tools.styles",
    "ehdesk.paths",
}


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
    assert not wrong, "Imports that break the layering (DESIGN.md §2):\n" + "\n".join(wrong)


def _module_imports(path: Path) -> set[str]:
    """Every module ``path`` imports by absolute name (module level and inside functions)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_pdf_modules_are_pure_renderers():
    # View in, bytes out: a pdf module that could reach a session could query or audit.
    wrong = []
    for path in sorted((PACKAGE / "pdf").rglob("*.py")):
        for name in sorted(_module_imports(path)):
            top = name.split(".")[0]
            if top in ("sqlalchemy", "sqlcipher3"):
                wrong.append(f"{path.name} imports {name}")
            elif top == "ehdesk" and not name.startswith("ehdesk.pdf") and name not in PDF_MAY_IMPORT:
                wrong.append(f"{path.name} imports {name}")
    assert wrong == [], "pdf modules render views; they do not query:\n" + "\n".join(wrong)


def test_the_views_pdf_sees_hold_no_query():
    assert not {n.split(".")[0] for n in _module_imports(PACKAGE / "casework" / "document_views.py")} & {
        "sqlalchemy"
    }
    assert "ehdesk.models" not in _module_imports(PACKAGE / "casework" / "document_views.py")


def test_rendering_loads_neither_the_store_nor_qt():
    # At run time too: every pdf module imported, and nothing that opens the encrypted store.
    probe = (
        "import sys, pkgutil, importlib, ehdesk.pdf\n"
        "for m in pkgutil.iter_modules(ehdesk.pdf.__path__): importlib.import_module('ehdesk.pdf.' + m.name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'sqlcipher3')"
        " or m.startswith(('ehdesk.store', 'ehdesk.ui', 'ehdesk.sync'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


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
