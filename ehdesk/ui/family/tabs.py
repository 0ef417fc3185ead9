"""Feature screens shown as tabs on the family record: (tab title, "module:Class")."""

FEATURE_TABS: list[tuple[str, str]] = [
    ("Assessments", "ehdesk.ui.assessment.tab:AssessmentTab"),
    ("Agreement", "ehdesk.ui.agreement.tab:AgreementTab"),
    ("Plan", "ehdesk.ui.plan.tab:PlanTab"),
    ("Meetings", "ehdesk.ui.plan.meetings_tab:MeetingsTab"),
    ("Sessions", "ehdesk.ui.plan.sessions_tab:SessionsTab"),
    ("Progress", "ehdesk.ui.tools.tab:ProgressTab"),
    ("Supporting Families", "ehdesk.ui.plan.supporting_families_tab:SupportingFamiliesTab"),
    ("Agencies", "ehdesk.ui.team.agencies_tab:AgenciesTab"),
    ("Chronology", "ehdesk.ui.team.chronology_tab:ChronologyTab"),
    ("Handovers", "ehdesk.ui.team.handovers_tab:HandoversTab"),
]
