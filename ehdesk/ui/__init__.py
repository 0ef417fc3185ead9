"""PySide6 widgets, one sub-package per screen family. The only layer that imports Qt."""
