"""The Reports screen for managers (the lead wires it into the main window)."""

from ehdesk.ui.reports.screen import ReportsScreen

__all__ = ["ReportsScreen"]
