from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from geodata.models import Level
from geodata.selectors import area_choices, area_names
from gridcase.accounts.jurisdiction import get_or_404
from gridcase.dashboards import forms, periods, report, rollup, selectors, services, targets
from gridcase.dashboards.measures.registry import MEASURES
from gridcase.dashboards.models import Export
from gridcase.lib import clock


@login_required
def dashboard(request):
    return _render(request, selectors.home_area(request.user))


@login_required
def dashboard_area(request, code):
    return _render(request, selectors.area_for(request.user, code))


def _period(request, form):
    try:
        return periods.parse(request.GET, clock.today())
    except periods.PeriodError as exc:
        form.add_error(None, str(exc))
        return periods.month_of(clock.today())


def drill_links(*, period, filters):
    """(territory code, measure key, part) → the case list behind a figure: its territory, filters
    and named case set over the period. Made once per page, which links every card and ranking row."""
    common = {"start": period.start.isoformat(), "end": period.end.isoformat()}
    common |= {k: v for k, v in (("category", filters.category), ("source", filters.source),
                                 ("level", filters.level)) if v}
    tail, base = urlencode(common), reverse("cases:list")
    return lambda code, key, part: f"{base}?{urlencode({'grid': code, 'basis': f'{key}.{part}'})}&{tail}"


def _render(request, area):
    form = forms.DashboardFilterForm(request.GET or None)
    period = _period(request, form)
    filters = form.filters()
    drill = drill_links(period=period, filters=filters)
    cards = selectors.cards(area=area, period=period, filters=filters)
    for card in cards:
        card.links = {part: drill(area.code, card.measure.key, part) for part in card.measure.case_sets}
    by_key = {c.measure.key: c for c in cards}
    success = by_key["success"]
    target = success.target
    ranking = selectors.ranking(area=area, period=period, filters=filters, target=target)
    for row in ranking:
        row["url"] = reverse("dashboards:area", args=[row["area"].code])
        row["links"] = {key: drill(row["area"].code, key, "den") for key in ("success", "volume")}
    overdue, overdue_total = selectors.overdue(user=request.user, area=area, filters=filters)
    escalated, escalated_total = selectors.escalated(user=request.user, area=area, period=period, filters=filters,
                                                     total=by_key["escalated"].figure.num)
    query = request.GET.urlencode()
    return render(request, "dashboards/dashboard.html", {
        "area": area, "form": form, "period": period, "filters": filters, "cards": cards,
        "trend": selectors.trend(area=area, period=period, filters=filters, target=target, success=success.series),
        "success_target": target, "ranking": ranking, "child_level": selectors.CHILD_LEVEL[area.level],
        "overdue": overdue, "overdue_total": overdue_total, "escalated": escalated, "escalated_total": escalated_total,
        "breadcrumbs": selectors.breadcrumbs(request.user, area), "query": query,
        "refreshed_at": rollup.last_refresh(), "from_rollup": rollup.can_answer(
            code=area.code, periods=[period], filters=filters, child_length=None),
        "may_set_targets": targets.may_set_targets(request.user, area),
        "is_town": area.level == Level.TOWN,
        "map_config": {"code": area.code, "level": area.level, "extent": list(area_extent(area)),
                       "query": query, "heat": reverse("dashboards_api:heat"), "choropleth": reverse("dashboards_api:choropleth"),
                       "areas": reverse("geodata:areas"),
                       "child_level": selectors.CHILD_LEVEL[area.level]},
    })


def area_extent(area):
    from django.contrib.gis.db.models import Extent

    from geodata.models import Area

    return Area.objects.filter(pk=area.pk).aggregate(box=Extent("geom"))["box"]


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request, code):
    area = selectors.area_for(request.user, code)
    if not targets.may_set_targets(request.user, area):
        raise Http404("No target settings here.")
    own = {t.measure: t.value for t in area_targets(area)}
    measures = [m for m in MEASURES.values() if m.direction]
    form = forms.TargetForm(request.POST or None, measures=measures, current=own)
    if request.method == "POST" and form.is_valid():
        try:
            for measure in measures:
                targets.target_set(actor=request.user, area=area, measure=measure.key, value=form.cleaned_data[measure.key])
        except targets.TargetError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("目标已保存"))
            return redirect("dashboards:targets", code=area.code)
    effective = targets.targets_for(code=area.code)
    return render(request, "dashboards/targets.html", {"area": area, "form": form, "effective": effective,
                                                         "measures": measures})


def area_targets(area):
    from gridcase.dashboards.models import MeasureTarget

    return MeasureTarget.objects.filter(area=area)


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request):
    home = selectors.home_area(request.user)
    form = forms.ExportForm(request.POST or None, areas=area_choices(code=home.code),
                            initial={"area": home.code, "kind": Export.Kind.MEDIATION_LEDGER,
                                     "start": clock.today().replace(month=1, day=1), "end": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            export = services.export_request(actor=request.user, kind=data["kind"], code=data["area"],
                                             start=data["start"], end=data["end"])
        except services.ExportError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect(f"{reverse('dashboards:exports')}#export-{export.pk}")
    exports = list(Export.objects.filter(user=request.user)[:20])
    names = area_names(codes={e.area_code for e in exports})
    for export in exports:
        export.area_name = names.get(export.area_code, export.area_code)
    return render(request, "dashboards/exports.html", {"form": form, "exports": exports})


@login_required
def export_status(request, export_id):
    export = get_or_404(Export.objects.filter(user=request.user), request.user, "area_code", pk=export_id)
    return JsonResponse({"id": export.pk, "status": export.status, "status_label": export.get_status_display(),
                         "progress": export.progress, "rows": export.done_rows, "total": export.total,
                         "error": export.error,
                         "download": reverse("dashboards:export-download", args=[export.pk]) if export.file else None})


@login_required
def export_download(request, export_id):
    export = get_or_404(Export.objects.filter(user=request.user), request.user, "area_code", pk=export_id)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404("Not ready.")
    name = f"{export.get_kind_display()}-{export.area_code}-{export.start:%Y%m%d}-{export.end:%Y%m%d}.xlsx"
    response = FileResponse(export.file.open("rb"), content_type=services.XLSX)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def report_pdf(request, code):
    area = selectors.area_for(request.user, code)
    if area.level != Level.TOWN:
        raise Http404("Monthly reports are per town.")
    try:
        period = periods.parse({"period": "month", "start": request.GET.get("start")}, clock.today())
    except periods.PeriodError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    pdf = report.monthly_pdf(user=request.user, area=area, period=period)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{area.name}{period.start.year}年{period.start.month}月矛盾纠纷调处月报.pdf")
    return response
