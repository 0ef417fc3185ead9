FEATURE_TABS: list[tuple[str, str]] = [
    ("Plan", "ehdesk.ui.plan.tab:PlanTab"),
    ("Meetings", "ehdesk.ui.plan.meetings_tab:MeetingsTab"),
    ("Sessions", "ehdesk.ui.plan.sessions_tab:SessionsTab"),
]
