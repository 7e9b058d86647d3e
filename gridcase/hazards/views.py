from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridcase.accounts.jurisdiction import get_or_404
from gridcase.accounts.models import Role, User
from gridcase.hazards import forms, inspections, permissions, selectors, services
from gridcase.hazards.actions import ACTIONS
from gridcase.hazards.models import OPEN_STATES, Hazard, InspectionTask
from gridcase.hazards.workflow import LABELS
from gridcase.lib.forms import resubmittable
from gridcase.patrols.selectors import PatrolNotVisible, patrol_for_finding

PAGE_SIZE = 25


@login_required
def hazard_list(request):
    filters = forms.FilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    hazards = selectors.hazard_list(user=request.user, **{k: v for k, v in criteria.items() if v not in (None, "")})
    page = Paginator(hazards, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "hazards/list.html", {"filters": filters, "page": page, "query": query.urlencode()})


@login_required
@require_http_methods(["GET", "POST"])
def hazard_report(request):
    form = forms.ReportForm(request.POST or None, request.FILES or None, initial={"patrol": request.GET.get("patrol")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patrol = patrol_for_finding(request.user, data["patrol"])
            hazard = services.hazard_report(
                actor=request.user, title=data["title"], category=data["category"], severity=data["severity"],
                description=data["description"], location=Point(data["lon"], data["lat"], srid=4326),
                responsible_kind=data["responsible_kind"], responsible_name=data["responsible_name"],
                responsible_contact=data["responsible_contact"], photos=data["photos"], client_id=data["client_id"],
                patrol=patrol,
            )
        except (services.HazardError, PatrolNotVisible) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已上报，编号 %(number)s") % {"number": hazard.number})
            return redirect("hazards:detail", hazard_id=hazard.pk)
    return render(request, "hazards/report.html", {"form": form})


@login_required
def hazard_detail(request, hazard_id):
    hazard = permissions.hazard_for_user(request.user, hazard_id)
    pending = selectors.pending_extension(hazard=hazard)
    actions = permissions.allowed_actions(request.user, hazard, pending_extension=pending is not None)
    if hazard.is_open and permissions.can_supervise(request.user, hazard):
        actions.append("plan")
    return render(request, "hazards/detail.html", {
        "hazard": hazard, "events": selectors.timeline(hazard=hazard), "photos": hazard.photos.all(),
        "pending": pending, "extensions": hazard.extensions.select_related("requested_by", "decided_by"),
        "plans": hazard.inspection_plans.select_related("assignee"),
        "actions": [(a, LABELS.get(a, _("制定定期巡查"))) for a in actions],
    })


@login_required
@require_http_methods(["GET", "POST"])
def hazard_action(request, hazard_id, action):
    hazard = permissions.hazard_for_user(request.user, hazard_id)
    if action == "photo":
        return _photo(request, hazard)
    if action == "plan":
        return _plan(request, hazard)
    if action not in ACTIONS:
        raise Http404
    form_class, perform = ACTIONS[action]
    initial = {"version": hazard.version, **_current_values(hazard, action)}
    form = form_class(request.POST or None, request.FILES or None, initial=initial)
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            perform(hazard, request.user, dict(form.cleaned_data))
        except services.StaleHazard as exc:
            stale = exc
            form = resubmittable(lambda data: form_class(data, request.FILES), request.POST, exc.hazard.version)
        except services.HazardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已完成：%(action)s") % {"action": LABELS[action]})
            return redirect("hazards:detail", hazard_id=hazard.pk)
    return render(request, "hazards/action.html", {
        "hazard": hazard, "form": form, "action": action, "label": LABELS[action], "stale": stale,
        "multipart": action == "complete", "pending": selectors.pending_extension(hazard=hazard)})


def _current_values(hazard: Hazard, action: str) -> dict:
    if action == "verify":
        return {"severity": hazard.severity}
    if action == "rectify":
        return {"responsible_kind": hazard.responsible_kind, "responsible_name": hazard.responsible_name,
                "responsible_contact": hazard.responsible_contact}
    return {}


def _photo(request, hazard: Hazard):
    form = forms.PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hazard_add_photo(hazard=hazard, actor=request.user, upload=form.cleaned_data["file"],
                                      kind=form.cleaned_data["kind"])
        except services.HazardError as exc:
            form.add_error("file", str(exc))
        else:
            return redirect("hazards:detail", hazard_id=hazard.pk)
    return render(request, "hazards/action.html", {"hazard": hazard, "form": form, "action": "photo",
                                                   "label": LABELS["photo"], "multipart": True})


def _plan(request, hazard: Hazard):
    if not (hazard.is_open and permissions.can_supervise(request.user, hazard)):
        raise PermissionDenied
    workers = User.objects.filter(is_active=True, role=Role.GRID_WORKER, grids=hazard.grid_id).order_by("username")
    form = forms.PlanForm(request.POST or None, workers=workers, initial={"title": _("定期巡查：%(t)s") % {"t": hazard.title}})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspections.plan_create(actor=request.user, title=data["title"], location=hazard.location,
                                    interval=data["interval"], assignee=data["assignee"], starts_on=data["starts_on"],
                                    hazard=hazard)
        except services.HazardError as exc:
            form.add_error(None, str(exc))
        else:
            inspections.create_due_tasks()
            messages.success(request, _("已制定定期巡查计划"))
            return redirect("hazards:detail", hazard_id=hazard.pk)
    return render(request, "hazards/action.html", {"hazard": hazard, "form": form, "action": "plan",
                                                   "label": _("制定定期巡查")})


@login_required
def photo_download(request, hazard_id, photo_id):
    """Photos are served only to users who may see the hazard."""
    hazard = permissions.hazard_for_user(request.user, hazard_id)
    photo = get_object_or_404(hazard.photos, pk=photo_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type, filename=photo.original_name)


@login_required
def inspection_list(request):
    tasks = selectors.inspection_tasks_visible_to(user=request.user).order_by("done_at", "due_on", "id")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "hazards/inspections.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def inspection_detail(request, task_id):
    task = get_or_404(InspectionTask.objects.select_related("plan__hazard", "assignee"), request.user, "area_code",
                      pk=task_id)
    form = forms.InspectionDoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            inspections.task_complete(task=task, actor=request.user, note=form.cleaned_data["note"])
        except services.HazardError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已记录巡查情况"))
            return redirect("hazards:inspection", task_id=task.pk)
    return render(request, "hazards/inspection.html", {"task": task, "form": form, "open_states": OPEN_STATES})
