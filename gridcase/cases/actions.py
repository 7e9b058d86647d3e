"""The actions on a case that take a form: one table, used by the pages and the API alike, so
that both validate the same way and call the same service."""

from gridcase.cases import forms, services

# action → (form, how to call its service with the cleaned data)
ACTIONS = {
    "accept": (forms.AcceptForm, lambda case, user, d: services.case_accept(
        case=case, actor=user, expected_version=d["version"], note=d["note"], mediators=list(d["mediators"]),
        level=d["level"] or None, category=d["category"], risk=d["risk"])),
    "decline": (forms.ReasonForm, lambda case, user, d: services.case_decline(
        case=case, actor=user, expected_version=d["version"], reason=d["reason"])),
    "mediate": (forms.SessionForm, lambda case, user, d: services.case_start_mediation(
        case=case, actor=user, expected_version=d["version"], held_on=d["held_on"], place=d["place"],
        attendees=d["attendees"], content=d["content"])),
    "session": (forms.SessionForm, lambda case, user, d: services.case_record_session(
        case=case, actor=user, expected_version=d["version"], held_on=d["held_on"], place=d["place"],
        attendees=d["attendees"], content=d["content"])),
    "settle": (forms.SettleForm, lambda case, user, d: services.case_settle(
        case=case, actor=user, expected_version=d["version"], signed_on=d["signed_on"], terms=d["terms"],
        performance_due=d["performance_due"], judicial_confirmation=d["judicial_confirmation"])),
    "fail": (forms.ReasonForm, lambda case, user, d: services.case_fail(
        case=case, actor=user, expected_version=d["version"], reason=d["reason"])),
    "escalate": (forms.EscalateForm, lambda case, user, d: services.case_escalate(
        case=case, actor=user, expected_version=d["version"], reason=d["reason"], to_level=d["to_level"] or None,
        urgent=d["urgent"])),
    "refer": (forms.ReferForm, lambda case, user, d: services.case_refer(
        case=case, actor=user, expected_version=d["version"], to=d["to"], reason=d["reason"])),
    "follow_up": (forms.FollowUpForm, lambda case, user, d: services.case_follow_up(
        case=case, actor=user, expected_version=d["version"], visited_on=d["visited_on"], method=d["method"],
        satisfaction=d["satisfaction"], recurred=d["recurred"], note=d["note"])),
    "close": (forms.NoteForm, lambda case, user, d: services.case_close(
        case=case, actor=user, expected_version=d["version"], note=d["note"])),
    "performance": (forms.PerformanceForm, lambda case, user, d: services.agreement_update(
        case=case, actor=user, expected_version=d["version"], performance=d["performance"],
        judicial_confirmation=d["judicial_confirmation"])),
    "report": (forms.ReportForm, lambda case, user, d: services.case_add_report(case=case, actor=user, note=d["note"])),
    "edit": (forms.EditForm, lambda case, user, d: services.case_update(
        case=case, actor=user, expected_version=d.pop("version"), **d)),
}
