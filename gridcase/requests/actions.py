"""The actions on a request that take a form: one table, used by the pages and the API alike, so
that both validate the same way and call the same service. (转援法议事 is not here: it happens when
the topic is registered from the request, on the topic form of gridcase.deliberation.)"""

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _

from gridcase.requests import forms, selectors, services
from gridcase.requests.models import Request


def _triage_form(data, item: Request, initial):
    offices = services.offices_for_request(item).order_by("order", "code")
    initial.setdefault("kind", item.kind or item.category.default_kind or None)
    initial.setdefault("office", item.office_id or item.category.default_office_id)
    return forms.TriageForm(data, initial=initial, offices=offices)


def _merge(item: Request, user, d) -> Request:
    """Merge into the request numbered `into`, looked up in the user's jurisdiction; returns that one."""
    target = selectors.requests_visible_to(user=user).filter(number=d["into"].strip()).first()
    if target is None:
        raise services.RequestError(_("在您的辖区内找不到编号为 %(n)s 的诉求") % {"n": d["into"]})
    services.request_merge(request=item, into=target, actor=user, note=d["note"], expected_version=d["version"])
    return target


# action → (form, how to call its service with the cleaned data)
ACTIONS = {
    "triage": (forms.TriageForm, lambda item, user, d: services.request_triage(
        request=item, actor=user, expected_version=d["version"], kind=d["kind"], office=d["office"],
        handling=d["handling"] or "one_by_one", guidance=d["guidance"], note=d["note"])),
    "reply": (forms.ReplyForm, lambda item, user, d: services.request_reply(
        request=item, actor=user, expected_version=d["version"], reply=d["reply"])),
    "close": (forms.CloseForm, lambda item, user, d: services.request_close(
        request=item, actor=user, expected_version=d["version"], satisfaction=d["satisfaction"],
        feedback=d["feedback"])),
    "feedback": (forms.ReopenForm, lambda item, user, d: services.request_reopen(
        request=item, actor=user, expected_version=d["version"], feedback=d["feedback"])),
    "to_case": (forms.ToCaseForm, lambda item, user, d: services.request_to_case(
        request=item, actor=user, expected_version=d["version"], title=d["title"], category=d["category"],
        location=Point(d["lon"], d["lat"], srid=4326) if d["lon"] is not None else None)),
    "merge": (forms.MergeForm, _merge),
}


def form_for(action: str, item: Request, data, initial: dict | None = None):
    """The action's form for this request, bound to `data` (None: unbound). Triage offers the
    offices of the request's town."""
    initial = dict(initial or {})
    if action == "triage":
        return _triage_form(data, item, initial)
    return ACTIONS[action][0](data, initial=initial)
