"""Feature tabs of the family record: (title, "module:Class"); each class is
``Widget(store, family_id, parent=None)`` with ``flush_pending()``."""

FEATURE_TABS: list[tuple[str, str]] = [
    ("Agreement", "ehdesk.ui.agreement.tab:AgreementTab"),
]
