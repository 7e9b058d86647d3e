from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gridcase.cases import documents, forms, permissions, selectors, services
from gridcase.cases.actions import ACTIONS
from gridcase.cases.models import OPEN_STATES, Case
from gridcase.cases.workflow import LABELS, QUEUES
from gridcase.lib import clock
from gridcase.lib.forms import resubmittable
from gridcase.notifications.selectors import alert_trail

PAGE_SIZE = 25


@login_required
def case_list(request):
    filters = forms.FilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    cases = selectors.case_list(user=request.user, **{k: v for k, v in criteria.items() if v not in (None, "")})
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.state_counts(user=request.user)
    handles = permissions.handling_level(request.user) is not None
    return render(request, "cases/list.html", {
        "filters": filters, "page": page, "query": query.urlencode(), "now": clock.now(), "open_states": OPEN_STATES,
        "queue_tabs": [(key, label, sum(counts.get(s, 0) for s in states)) for key, (label, states) in QUEUES.items()],
        "mediators": selectors.mediators_for(user=request.user) if handles else None,
    })


@login_required
@require_POST
def bulk_assign(request):
    """Assign the ticked cases to one mediator; each case is checked on its own, and the message
    says how many were assigned and which were refused."""
    if permissions.handling_level(request.user) is None:
        raise PermissionDenied
    mediator = get_object_or_404(selectors.mediators_for(user=request.user), pk=request.POST.get("mediator") or 0)
    ids = [int(i) for i in request.POST.getlist("case") if i.isdigit()]
    done, refused = 0, []
    for case in selectors.cases_visible_to(user=request.user).filter(pk__in=ids):
        try:
            services.case_assign(case=case, actor=request.user, mediators=[mediator])
            done += 1
        except services.CaseError as exc:
            refused.append(f"{case.number}：{exc}")
    messages.success(request, _("已将 %(n)d 件指派给 %(who)s") % {"n": done, "who": mediator})
    for line in refused:
        messages.error(request, line)
    return redirect(f"{reverse('cases:list')}?{request.POST.get('query', '')}")


@login_required
@require_http_methods(["GET", "POST"])
def case_register(request):
    form = forms.RegisterForm(request.POST or None, request.FILES or None,
                              initial={"patrol": request.GET.get("patrol"), **_point_in(request.GET)})
    parties = forms.PartyFormSet(request.POST or None, prefix="party")
    if request.method == "POST" and form.is_valid() and parties.is_valid():
        data = form.cleaned_data
        try:
            patrol = _patrol(request.user, data["patrol"])
            case = services.case_register(
                actor=request.user, title=data["title"], category=data["category"], narrative=data["narrative"],
                location=Point(data["lon"], data["lat"], srid=4326), people_involved=data["people_involved"],
                amount=data["amount"], risk=data["risk"], violence_risk=data["violence_risk"], source=data["source"],
                parties=[services.PartyInput(**p) for p in parties.cleaned_data if p.get("name")],
                client_id=data["client_id"], patrol=patrol, photos=data["photos"],
            )
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记，编号 %(number)s") % {"number": case.number})
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/register.html", {"form": form, "parties": parties})


def _point_in(query) -> dict:
    """The point tapped on the home map ("在此登记"), carried as ?lon=…&lat=… (WGS-84)."""
    try:
        lon, lat = float(query["lon"]), float(query["lat"])
    except (KeyError, ValueError):
        return {}
    return {"lon": lon, "lat": lat} if -180 <= lon <= 180 and -90 <= lat <= 90 else {}


def _patrol(user, patrol_id):
    from gridcase.patrols.selectors import PatrolNotVisible, patrol_for_finding

    try:
        return patrol_for_finding(user, patrol_id)
    except PatrolNotVisible as exc:
        raise services.CaseError(str(exc)) from None


@login_required
def case_detail(request, case_id):
    case = permissions.case_for_user(request.user, case_id)
    handles = permissions.can_handle(request.user, case)
    parties = services.parties_in_full(user=request.user, case=case) if handles else [
        {"party": p, "id_number": p.id_number_masked, "phone": p.phone_masked} for p in case.parties.all()]
    return render(request, "cases/detail.html", {
        "case": case, "parties": parties, "full_parties": handles,
        "events": selectors.timeline(case=case), "sessions": case.sessions.all(),
        "alert_trail": alert_trail(subject_kind="case", subject_id=case.pk),
        "follow_ups": case.follow_ups.all(), "attachments": case.attachments.all(),
        "agreement": getattr(case, "agreement", None),
        "actions": [(a, LABELS[a]) for a in permissions.allowed_actions(request.user, case)],
        "overdue": case.is_open and case.deadline is not None and case.deadline < clock.now(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def case_action(request, case_id, action):
    case = permissions.case_for_user(request.user, case_id)
    if action in ("assign", "attach", "reopen", "merge"):
        return SPECIAL[action](request, case)
    if action not in ACTIONS:
        raise Http404
    form_class, perform = ACTIONS[action]
    initial = {"version": case.version, **_current_values(case, action)}
    about = {"case": case, "user": request.user} if issubclass(form_class, forms.CaseActionForm) else {}
    form = form_class(request.POST or None, initial=initial, **about)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            perform(case, request.user, dict(form.cleaned_data))
        except services.StaleCase as exc:
            stale = exc
            form = resubmittable(lambda data: form_class(data, **about), request.POST, exc.case.version)
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已完成：%(action)s") % {"action": LABELS[action]})
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/action.html", {"case": case, "form": form, "action": action,
                                                 "label": LABELS[action], "stale": stale})


def _current_values(case: Case, action: str) -> dict:
    if action == "edit":
        return {field: getattr(case, field) for field in services.EDITABLE}
    if action == "performance":
        return {"performance": case.agreement.performance, "judicial_confirmation": case.agreement.judicial_confirmation}
    return {}


@login_required
def attachment_download(request, case_id, attachment_id):
    """Photos and scans are personal data: served only to users who may see the case."""
    case = permissions.case_for_user(request.user, case_id)
    attachment = get_object_or_404(case.attachments, pk=attachment_id)
    return FileResponse(attachment.file.open("rb"), content_type=attachment.content_type,
                        filename=attachment.original_name, as_attachment=attachment.content_type == "application/pdf")


@login_required
@never_cache
def agreement_pdf(request, case_id):
    case = _case_to_print(request.user, case_id)
    if not hasattr(case, "agreement"):
        raise Http404("The case has no agreement.")
    pdf = documents.agreement_pdf(case=case, parties=services.parties_in_full(user=request.user, case=case))
    return _pdf_response(pdf, filename=f"人民调解协议书-{case.number}.pdf")


@login_required
@never_cache
def acceptance_pdf(request, case_id):
    case = _case_to_print(request.user, case_id)
    if case.accepted_at is None:
        raise Http404("The case has not been accepted.")
    pdf = documents.acceptance_form_pdf(case=case, parties=services.parties_in_full(user=request.user, case=case))
    return _pdf_response(pdf, filename=f"人民调解受理登记表-{case.number}.pdf")


def _case_to_print(user, case_id) -> Case:
    """The documents carry the parties' full personal data: only for those who handle the case."""
    case = permissions.case_for_user(user, case_id)
    if not permissions.can_handle(user, case):
        raise PermissionDenied
    return case


def _pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    return HttpResponse(pdf, content_type="application/pdf",
                        headers={"Content-Disposition": content_disposition_header(True, filename)})


def _assign(request, case: Case):
    candidates = selectors.assignable_mediators(case=case)
    form = forms.AssignForm(request.POST or None, candidates=candidates,
                            initial={"version": case.version, "mediators": case.mediators.all()})
    if request.method == "POST" and form.is_valid():
        try:
            services.case_assign(case=case, actor=request.user, mediators=list(form.cleaned_data["mediators"]),
                                 expected_version=form.cleaned_data["version"])
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/action.html", {"case": case, "form": form, "action": "assign",
                                                 "label": LABELS["assign"]})


def _attach(request, case: Case):
    form = forms.AttachForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_attach_all(case=case, actor=request.user, files=form.uploads(), kind=form.cleaned_data["kind"])
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("cases:detail", case_id=case.pk)
    return render(request, "cases/action.html", {"case": case, "form": form, "action": "attach",
                                                 "label": LABELS["attach"], "multipart": True, "photos": True})


def _reopen(request, case: Case):
    form = forms.ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.case_reopen(case=case, actor=request.user, narrative=form.cleaned_data["narrative"])
        except services.CaseError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已重新登记为 %(number)s") % {"number": new.number})
            return redirect("cases:detail", case_id=new.pk)
    return render(request, "cases/action.html", {"case": case, "form": form, "action": "reopen",
                                                 "label": LABELS["reopen"]})


def _merge(request, case: Case):
    form = forms.MergeForm(request.POST or None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        target = selectors.cases_visible_to(user=request.user).filter(number=form.cleaned_data["into"].strip()).first()
        if target is None:
            form.add_error("into", _("在您的辖区内找不到该编号的案件"))
        else:
            try:
                services.case_merge(case=case, actor=request.user, into=target, reason=form.cleaned_data["reason"],
                                    expected_version=form.cleaned_data["version"])
            except services.CaseError as exc:
                form.add_error(None, str(exc))
            else:
                return redirect("cases:detail", case_id=target.pk)
    return render(request, "cases/action.html", {"case": case, "form": form, "action": "merge",
                                                 "label": LABELS["merge"]})


SPECIAL = {"assign": _assign, "attach": _attach, "reopen": _reopen, "merge": _merge}
