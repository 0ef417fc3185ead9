"""ehdesk: offline-first Early Help case recording."""

__version__ = "0.1.0"
