"""The statistical return as files: CSV and a PDF with charts, always suppressed. The desktop
CLI, the Reports screen and the server all call ``build_report`` so they publish the same thing."""

from ehdesk.reports.build import FORMATS, PublishedReport, PublishedSection, build_report, published

__all__ = ["FORMATS", "PublishedReport", "PublishedSection", "build_report", "published"]
