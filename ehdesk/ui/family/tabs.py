"""Feature screens shown as tabs on the family record: (tab title, "module:Class")."""

FEATURE_TABS: list[tuple[str, str]] = [
    ("Assessments", "ehdesk.ui.assessment.tab:AssessmentTab"),
    ("Agreement", "ehdesk.ui.agreement.tab:AgreementTab"),
]
