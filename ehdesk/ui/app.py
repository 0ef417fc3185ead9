"""Starting the desktop app (the desktop feature replaces this window with the real screens)."""

from __future__ import annotations

import sys


def run_app(args) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("ehdesk")
    window.setCentralWidget(QLabel("ehdesk"))
    window.resize(1100, 720)
    if args.screenshot:
        window.show()
        app.processEvents()
        return 0 if window.grab().save(str(args.screenshot)) else 1
    window.show()
    return app.exec()
