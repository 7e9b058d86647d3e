"""The actions on a hazard that take a form: one table, used by the pages and the API alike, so
that both validate the same way and call the same service."""

from gridcase.hazards import forms, services
from gridcase.hazards.services import end_of_day

# action → (form, how to call its service with the cleaned data)
ACTIONS = {
    "verify": (forms.VerifyForm, lambda h, user, d: services.hazard_verify(
        hazard=h, actor=user, expected_version=d["version"], note=d["note"], severity=d["severity"])),
    "reject": (forms.ReasonForm, lambda h, user, d: services.hazard_reject(
        hazard=h, actor=user, expected_version=d["version"], reason=d["reason"])),
    "rectify": (forms.RectifyForm, lambda h, user, d: services.hazard_order_rectification(
        hazard=h, actor=user, expected_version=d["version"], deadline=end_of_day(d["deadline"]),
        responsible_kind=d["responsible_kind"], responsible_name=d["responsible_name"],
        responsible_contact=d["responsible_contact"], note=d["note"])),
    "complete": (forms.CompleteForm, lambda h, user, d: services.hazard_complete(
        hazard=h, actor=user, expected_version=d["version"], photos=d["photos"], note=d["note"])),
    "close": (forms.NoteForm, lambda h, user, d: services.hazard_close(
        hazard=h, actor=user, expected_version=d["version"], note=d["note"])),
    "rework": (forms.ReworkForm, lambda h, user, d: services.hazard_rework(
        hazard=h, actor=user, expected_version=d["version"], reason=d["reason"],
        deadline=end_of_day(d["deadline"]) if d["deadline"] else None)),
    "extend": (forms.ExtendForm, lambda h, user, d: services.hazard_request_extension(
        hazard=h, actor=user, expected_version=d["version"], new_deadline=end_of_day(d["new_deadline"]),
        reason=d["reason"])),
    "decide_extension": (forms.DecideExtensionForm, lambda h, user, d: services.hazard_decide_extension(
        hazard=h, actor=user, expected_version=d["version"], approve=d["approve"], note=d["note"])),
    "escalate": (forms.EscalateForm, lambda h, user, d: services.hazard_escalate(
        hazard=h, actor=user, expected_version=d["version"], reason=d["reason"])),
}
