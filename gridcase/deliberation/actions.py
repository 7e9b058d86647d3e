"""The actions on a topic that take a form: one table, used by the pages and the API alike, so
that both validate the same way and call the same service. (Assigning, progress with photos and the
survey have pages of their own; scheduling and minutes happen on the meeting.)"""

from gridcase.deliberation import forms, services


def _versioned(topic, d):
    return {"topic": topic, "expected_version": d["version"]}


# action → (form, how to call its service with the cleaned data)
ACTIONS = {
    "accept": (forms.NoteForm, lambda t, u, d: services.topic_accept(actor=u, note=d["note"], **_versioned(t, d))),
    "fast_track": (forms.ReasonForm, lambda t, u, d: services.topic_fast_track(actor=u, reason=d["reason"],
                                                                                **_versioned(t, d))),
    "reject": (forms.ReasonForm, lambda t, u, d: services.topic_reject(actor=u, reason=d["reason"], **_versioned(t, d))),
    "approve": (forms.ReviewForm, lambda t, u, d: services.legal_review(actor=u, approve=True, opinion=d["opinion"],
                                                                         **_versioned(t, d))),
    "require_change": (forms.ReviewForm, lambda t, u, d: services.legal_review(
        actor=u, approve=False, opinion=d["opinion"], **_versioned(t, d))),
    "resume_publicity": (forms.NoteForm, lambda t, u, d: services.topic_resume_publicity(
        actor=u, note=d["note"], **_versioned(t, d))),
    "redeliberate": (forms.ReasonForm, lambda t, u, d: services.topic_redeliberate(actor=u, reason=d["reason"],
                                                                                   **_versioned(t, d))),
    "report_completion": (forms.ReasonForm, lambda t, u, d: services.completion_report(
        actor=u, note=d["reason"], **_versioned(t, d))),
    "confirm_completion": (forms.NoteForm, lambda t, u, d: services.completion_confirm(
        actor=u, note=d["note"], **_versioned(t, d))),
    "reject_completion": (forms.ReasonForm, lambda t, u, d: services.completion_reject(
        actor=u, reason=d["reason"], **_versioned(t, d))),
}
