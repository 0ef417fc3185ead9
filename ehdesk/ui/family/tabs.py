"""Feature tabs of the family record: (title, "module:Class"), each built as Class(store, family_id)."""

FEATURE_TABS: list[tuple[str, str]] = [
    ("Progress", "ehdesk.ui.tools.tab:ProgressTab"),
]
