"""Feature tabs shown on a family record, as (tab title, "module:Class"). Each class is built as
``Widget(store, family_id, parent=None)`` and implements ``flush_pending()``. Only registered tabs
are shown."""

FEATURE_TABS: list[tuple[str, str]] = []
