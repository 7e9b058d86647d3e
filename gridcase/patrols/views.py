from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from geodata.models import Area
from geodata.selectors import LocationError, point_from_lonlat
from gridcase.accounts.models import User
from gridcase.lib import clock
from gridcase.patrols import conf, findings, forms, selectors, services
from gridcase.patrols.actions import ACTIONS
from gridcase.patrols.models import TRANSITIONS, Status

PAGE_SIZE = 25


@login_required
def patrol_list(request):
    filters = forms.FilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    patrols = selectors.patrol_list(user=request.user, **{k: v for k, v in criteria.items() if v not in (None, "")})
    page = Paginator(patrols, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "patrols/list.html", {
        "filters": filters, "page": page, "query": query.urlencode(),
        "mine": selectors.my_ongoing_patrols(user=request.user),
        "can_organise": request.user.role in services.ORGANISERS,
        "can_dispatch": request.user.role in services.DISPATCHERS,
    })


@login_required
@require_http_methods(["GET", "POST"])
def patrol_new(request):
    if request.user.role not in services.ORGANISERS:
        raise PermissionDenied
    form = forms.PatrolForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patrol = services.patrol_create(
                actor=request.user, grid=data["grid"], type=data["type"], workers=list(data.get("workers") or []),
                planned_start=data["planned_start"], planned_end=data["planned_end"], note=data["note"],
                client_id=data["client_id"])
        except services.PatrolError as exc:
            form.add_error(None, str(exc))
        else:
            if patrol.status == Status.ONGOING and patrol.workers.filter(pk=request.user.pk).exists():
                return redirect("patrols:record", patrol_id=patrol.pk)
            messages.success(request, _("已安排巡逻"))
            return redirect("patrols:detail", patrol_id=patrol.pk)
    return render(request, "patrols/new.html", {"form": form})


@login_required
def patrol_detail(request, patrol_id):
    patrol = selectors.patrol_for_user(request.user, patrol_id)
    manage = services.may_manage(request.user, patrol)
    return render(request, "patrols/detail.html", {
        "patrol": patrol, "workers": patrol.workers.all(), "check_ins": selectors.check_ins(patrol=patrol),
        "findings": selectors.patrol_findings(user=request.user, patrol=patrol),
        "events": patrol.events.select_related("actor"),
        "actions": [a for a, states in TRANSITIONS.items() if manage and patrol.status in states],
        "is_worker": patrol.workers.filter(pk=request.user.pk).exists(),
        "cancel_form": forms.CancelForm(initial={"version": patrol.version}),
        "track_url": reverse("patrols:api-track", args=[patrol.pk]), "grid": selectors.grid_outline(patrol=patrol),
    })


@login_required
@require_POST
def patrol_action(request, patrol_id, action):
    patrol = selectors.patrol_for_user(request.user, patrol_id)
    if action not in ACTIONS:
        raise Http404
    form_class, call = ACTIONS[action]
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("提交的内容不完整：%(errors)s") % {"errors": "；".join(
            str(e) for errors in form.errors.values() for e in errors)})
        return redirect("patrols:detail", patrol_id=patrol.pk)
    try:
        patrol = call(patrol, request.user, form.cleaned_data)
    except services.PatrolError as exc:
        messages.error(request, str(exc))
        return redirect("patrols:detail", patrol_id=patrol.pk)
    messages.success(request, _("巡逻状态：%(status)s") % {"status": patrol.get_status_display()})
    if action == "start" and patrol.workers.filter(pk=request.user.pk).exists():
        return redirect("patrols:record", patrol_id=patrol.pk)
    return redirect("patrols:detail", patrol_id=patrol.pk)


def _own_patrol(user, patrol_id):
    patrol = selectors.patrol_for_user(user, patrol_id)
    if not patrol.workers.filter(pk=user.pk).exists():
        raise PermissionDenied
    return patrol


@login_required
def patrol_record(request, patrol_id):
    """The phone's patrol page: the map of the track so far, the recorder that uploads the position in
    batches, and the sheet that logs a finding without leaving the page."""
    patrol = _own_patrol(request.user, patrol_id)
    return render(request, "patrols/record.html", {
        "patrol": patrol, "finish_form": forms.VersionForm(initial={"version": patrol.version}),
        "finding_form": forms.FindingForm(), "findings": selectors.patrol_findings(user=request.user, patrol=patrol),
        "config": {"uploadUrl": reverse("patrols:api-upload", args=[patrol.pk]), "patrol": patrol.pk,
                   "trackUrl": reverse("patrols:api-track", args=[patrol.pk]),
                   "findingUrl": reverse("patrols:finding", args=[patrol.pk]),
                   "grid": selectors.grid_outline(patrol=patrol),
                   "ongoing": patrol.status == Status.ONGOING,
                   "minGapMs": conf.get("PATROL_PHONE_MIN_GAP_S") * 1000,
                   "everyMs": conf.get("PATROL_PHONE_UPLOAD_EVERY_S") * 1000},
    })


@login_required
@require_POST
def patrol_finding(request, patrol_id):
    """POST from the patrol page's sheet → JSON: the finding logged (201), or what to correct (400)."""
    patrol = _own_patrol(request.user, patrol_id)
    form = forms.FindingForm(request.POST, request.FILES)
    if not form.is_valid():
        return JsonResponse({"errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()}},
                            status=400)
    data = form.cleaned_data
    try:
        found = findings.finding_log(
            patrol=patrol, actor=request.user, kind=data["kind"], category=data["category"], text=data["text"],
            location=Point(data["lon"], data["lat"], srid=4326), photos=data["photos"], client_id=data["client_id"])
    except (services.PatrolError, *findings.ERRORS) as exc:
        return JsonResponse({"errors": {"__all__": [str(exc)]}}, status=400)
    return JsonResponse({**found.as_dict(), "message": _("已登记%(label)s %(number)s，轨迹仍在记录") % {
        "label": found.label, "number": found.number}}, status=201)


def _leader(user) -> None:
    if not user.area_id or user.role not in services.ORGANISERS - {"grid_worker"}:
        raise PermissionDenied


@login_required
def measures(request):
    """The weekly measures for leaders, each with its definition."""
    _leader(request.user)
    form = forms.MeasuresForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    territory = selectors.territory_for(request.user, data.get("territory"))
    week = selectors.week_of(data.get("week") or timezone.localdate(clock.now()))
    area = Area.objects.filter(code=territory).defer("geom").first()
    per_grid = selectors.patrols_per_grid(territory=territory, week_start=week)
    # Coverage is computed on request, grid by grid: up to a town (tens of grids) it is quick.
    coverage_shown = len(territory) >= 9
    coverage = ({row.code: row.share for row in selectors.grid_coverage(territory=territory, week_start=week)}
                if coverage_shown else {})
    key_areas = selectors.key_area_compliance(territory=territory, week_start=week)
    met = sum(1 for k in key_areas if k.met)
    return render(request, "patrols/measures.html", {
        "form": form, "area": area, "week": week, "week_end": week + timedelta(days=6),
        "grids": [(row, coverage.get(row.code)) for row in per_grid], "coverage_shown": coverage_shown,
        "key_areas": key_areas, "key_met": met, "key_share": met / len(key_areas) if key_areas else None,
        "night": selectors.night_share(territory=territory, week_start=week),
        "response": selectors.response_times(territory=territory, week_start=week),
        "definitions": selectors.definitions(),
        "children": Area.objects.filter(parent__code=territory).defer("geom").order_by("code"),
        "mean_coverage": sum(coverage.values()) / len(coverage) if coverage else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def dispatch(request):
    if request.user.role not in services.DISPATCHERS:
        raise PermissionDenied
    form = forms.DispatchForm(request.POST or None, initial={
        k: request.GET[k] for k in ("lon", "lat", "note") if request.GET.get(k)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        worker = User.objects.filter(pk=data["worker"]).first() if data.get("worker") else None
        try:
            sent = services.dispatch_create(actor=request.user, location=Point(data["lon"], data["lat"], srid=4326),
                                            note=data["note"], worker=worker, client_id=data["client_id"])
        except services.PatrolError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已派遣 %(who)s，约 %(km).1f 公里，时限 %(min)d 分钟") % {
                "who": sent.worker, "km": sent.distance_m / 1000, "min": sent.target_s // 60})
            return redirect("patrols:dispatch-detail", dispatch_id=sent.pk)
    where = request.POST or request.GET
    point, where_error = None, None
    if "lon" in where:  # the form was sent: a place must have been picked
        try:
            point = point_from_lonlat(where.get("lon"), where.get("lat"))
        except LocationError:
            where_error = _("请先在地图上点选事发位置")
    candidates = services.available_workers(actor=request.user, location=point) if point else None
    recent = selectors.dispatches_visible_to(user=request.user)[:30]
    return render(request, "patrols/dispatch.html", {
        "form": form, "candidates": candidates, "recent": recent, "where_error": where_error,
        "definition": selectors.definitions()["response"],
    })


@login_required
def dispatch_detail(request, dispatch_id):
    item = selectors.dispatch_for_user(request.user, dispatch_id)
    if request.method == "POST":
        try:
            services.dispatch_cancel(dispatch=item, actor=request.user)
        except services.PatrolError as exc:
            messages.error(request, str(exc))
        return redirect("patrols:dispatch-detail", dispatch_id=item.pk)
    return render(request, "patrols/dispatch_detail.html", {"dispatch": item,
                                                           "definition": selectors.definitions()["response"]})
