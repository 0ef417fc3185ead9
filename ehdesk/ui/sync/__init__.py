"""Sync in the desktop app: the bridge that runs the engine off the UI thread, the status-bar
widget, and the Conflicts view. The lead wires these into the main window."""
