"""The actions on a topic that take a form: one table, used by the pages and the API alike, so
that both validate the same way and call the same service. (Scheduling and minutes happen on the
meeting.) Assigning offers the people of the topic's village; progress takes photos (multipart)."""

from django.utils.translation import gettext_lazy as _

from gridcase.deliberation import forms, selectors, services
from gridcase.deliberation.models import Topic


def _versioned(topic, d):
    return {"topic": topic, "expected_version": d["version"]}


def _assign_form(data, files, topic: Topic, initial):
    initial.setdefault("responsible", topic.responsible_id)
    initial.setdefault("responsible_name", topic.responsible_name)
    initial.setdefault("deadline", topic.execution_deadline)
    return forms.AssignForm(data, files, initial=initial, people=selectors.people_of_village(village_code=topic.village_code))


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
    "assign": (forms.AssignForm, lambda t, u, d: services.topic_assign(
        actor=u, responsible=d["responsible"], responsible_name=d["responsible_name"], deadline=d["deadline"],
        **_versioned(t, d))),
    # Progress and the survey record beside the topic without changing it: no version to check.
    "progress": (forms.ProgressForm, lambda t, u, d: services.progress_add(
        topic=t, actor=u, note=d["note"], photos=d["photos"])),
    "report_completion": (forms.ReasonForm, lambda t, u, d: services.completion_report(
        actor=u, note=d["reason"], **_versioned(t, d))),
    "confirm_completion": (forms.NoteForm, lambda t, u, d: services.completion_confirm(
        actor=u, note=d["note"], **_versioned(t, d))),
    "reject_completion": (forms.ReasonForm, lambda t, u, d: services.completion_reject(
        actor=u, reason=d["reason"], **_versioned(t, d))),
    "survey": (forms.SurveyForm, lambda t, u, d: services.survey_record(
        topic=t, actor=u, respondent=d["respondent"], rating=d["rating"], note=d["note"])),
}

# What the page says when the action is done, where it says more than 「已完成：<action>」.
DONE = {"survey": _("已登记满意度测评")}


def form_for(action: str, topic: Topic, data, files=None, initial: dict | None = None):
    """The action's form for this topic, bound to `data` and `files` (None: unbound). Assigning
    offers the people of the topic's village and starts from the current responsible and deadline."""
    initial = dict(initial or {})
    if action == "assign":
        return _assign_form(data, files, topic, initial)
    return ACTIONS[action][0](data, files, initial=initial)
