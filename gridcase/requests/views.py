from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import covers_code, jurisdiction_codes, within
from gridcase.lib import clock
from gridcase.lib.forms import resubmittable
from gridcase.patrols.selectors import PatrolNotVisible, patrol_for_finding
from gridcase.requests import forms, lists, permissions, selectors, services, wechat
from gridcase.requests.actions import ACTIONS, form_for
from gridcase.requests.models import OPEN_STATES, Channel, Handling, ThreeList
from gridcase.requests.workflow import EVENT_LABELS, LABELS

PAGE_SIZE = 25


def _page(request, rows):
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def request_list(request):
    filters = forms.FilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    rows = selectors.request_list(user=request.user, **{k: v for k, v in criteria.items() if v not in (None, "")})
    page, query = _page(request, rows)
    return render(request, "requests/list.html", {"filters": filters, "page": page, "query": query,
                                                  "now": clock.now(), "open_states": OPEN_STATES})


@login_required
@require_http_methods(["GET", "POST"])
def request_register(request):
    villages = services.villages_for(request.user)
    form = forms.IntakeForm(request.POST or None, request.FILES or None, villages=villages,
                            initial={"patrol": request.GET.get("patrol")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            patrol = patrol_for_finding(request.user, data["patrol"])
            created = services.request_register(
                actor=request.user, matter=data["matter"], category=data["category"], received_on=data["received_on"],
                channel=data["channel"], village=data["village"],
                location=Point(data["lon"], data["lat"], srid=4326) if data["lon"] is not None else None,
                reporter=services.Reporter(name=data["reporter_name"], contact=data["contact"]),
                client_id=data["client_id"], patrol=patrol, photos=data["photos"])
        except (services.RequestError, PatrolNotVisible) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记，编号 %(number)s") % {"number": created.number})
            return redirect("requests:detail", request_id=created.pk)
    return render(request, "requests/register.html", {"form": form})


@login_required
def request_detail(request, request_id):
    item = permissions.request_for_user(request.user, request_id)
    try:
        reporter = services.reporter_in_full(user=request.user, request=item) if request.GET.get("reveal") else None
    except services.NotAllowed:
        reporter = None
    events = list(selectors.timeline(request=item))
    for event in events:
        event.label = EVENT_LABELS.get(event.kind, event.kind)
    return render(request, "requests/detail.html", {
        "item": item, "reporter": reporter, "events": events,
        "actions": permissions.allowed_actions(request.user, item),
        "may_reveal": permissions.may(request.user, item, "triage") or permissions.may(request.user, item, "reply")
        or item.registered_by_id == request.user.pk,
        "merged": item.merged_requests.select_related("category").order_by("received_on"),
        "photos": item.photos.all(),
        "topics": item.deliberation_topics.only("pk", "title", "state").order_by("pk"),
        "overdue": item.is_open and item.deadline is not None and item.deadline < clock.now(),
    })


@login_required
def photo_download(request, request_id, photo_id):
    """Photos are served only to users who may see the request."""
    item = permissions.request_for_user(request.user, request_id)
    photo = get_object_or_404(item.photos, pk=photo_id)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type, filename=photo.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def request_action(request, request_id, action):
    item = permissions.request_for_user(request.user, request_id)
    if action == "deliberate":
        return _to_topic_form(request, item)
    if action not in ACTIONS:
        raise Http404
    _form_class, perform = ACTIONS[action]
    initial = {"version": item.version}
    if action == "to_case":
        initial["title"] = item.matter.splitlines()[0][:60]
    make = lambda data: form_for(action, item, data, initial)  # noqa: E731
    form = make(request.POST or None)
    stale = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            result = perform(item, request.user, data)
            if action == "merge":
                return redirect("requests:detail", request_id=result.pk)
            if action == "triage" and result.handling == Handling.DELIBERATION:
                messages.success(request, _("已分流为小事（%(number)s），请登记援法议事议题") % {"number": item.number})
                return _to_topic_form(request, result)
        except services.StaleRequest as exc:
            stale = exc
            form = resubmittable(make, request.POST, exc.request.version)
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已完成：%(action)s（%(number)s）") % {"action": LABELS[action],
                                                                         "number": item.number})
            back = request.POST.get("next", "")
            if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
                return redirect(back)
            return redirect("requests:detail", request_id=item.pk)
    if stale:
        for event in stale.changes:
            event.label = EVENT_LABELS.get(event.kind, event.kind)
    return render(request, "requests/action.html", {"item": item, "form": form, "action": action,
                                                    "label": LABELS[action], "stale": stale,
                                                    "map": action == "to_case" and item.location is None})


def _to_topic_form(request, item):
    """转援法议事 is registering the topic: the topic form, filled in from the request, which the
    topic's registration then links (gridcase.deliberation). Refused, the request's page says why."""
    if not permissions.may(request.user, item, "deliberate"):
        messages.error(request, _("您无权对该诉求执行「%(action)s」") % {"action": LABELS["deliberate"]})
        return redirect("requests:detail", request_id=item.pk)
    if refusal := permissions.deliberation_refusal(item):
        messages.error(request, refusal)
        return redirect("requests:detail", request_id=item.pk)
    return redirect(f"{reverse('deliberation:propose')}?request={item.number}")


@login_required
def offices(request):
    available = list(permissions.offices_for(request.user).select_related("town").order_by("order", "code"))
    counts = selectors.queue_counts(user=request.user, offices=available)
    rows = [(office, *counts.get(office.pk, (0, 0))) for office in available]
    return render(request, "requests/offices.html", {"rows": rows})


@login_required
def office_queue(request, office_id):
    office = permissions.office_for_user(request.user, office_id)
    page, query = _page(request, selectors.office_queue(user=request.user, office=office))
    return render(request, "requests/queue.html", {"office": office, "page": page, "query": query,
                                                   "now": clock.now()})


@login_required
def merge_proposals(request):
    """Village and town users see their proposals at once; wider jurisdictions choose a town first."""
    towns = None
    town = request.GET.get("town", "")
    if any(len(code) < 9 for code in jurisdiction_codes(request.user)):
        towns = Area.objects.filter(within(request.user), level=Level.TOWN).defer("geom").order_by("code")
        if town and not towns.filter(code=town).exists():
            raise Http404("No town matches the given query.")
    proposals = [] if towns is not None and not town else selectors.merge_proposals(user=request.user, town_code=town)
    proposals = [p for p in proposals if permissions.may(request.user, p.request, "merge")]
    return render(request, "requests/merge.html", {"proposals": proposals, "metres": selectors.MERGE_METRES,
                                                   "days": selectors.MERGE_DAYS, "towns": towns, "town": town})


@login_required
@require_POST
def merge_decide(request):
    first = permissions.request_for_user(request.user, request.POST.get("request"))
    into = permissions.request_for_user(request.user, request.POST.get("into"))
    try:
        if request.POST.get("decision") == "merge":
            services.request_merge(request=first, into=into, actor=request.user, note=_("合并重复反映"))
            messages.success(request, _("已将 %(a)s 并入 %(b)s") % {"a": first.number, "b": into.number})
        else:
            services.merge_dismiss(first=first, second=into, actor=request.user)
            messages.success(request, _("已标记 %(a)s 与 %(b)s 不是同一事项") % {"a": first.number, "b": into.number})
    except services.RequestError as exc:
        messages.error(request, str(exc))
    return redirect(f"{reverse('requests:merge')}?town={into.town_code}" if request.POST.get("town") else "requests:merge")


# ---------------------------------------------------------------- WeChat paste


@login_required
@require_http_methods(["GET", "POST"])
def wechat_paste(request):
    """Step 1: paste the chat and read it into drafts; step 2 (POST with drafts): register the kept ones."""
    villages = services.villages_for(request.user)
    if request.method == "POST" and "drafts-TOTAL_FORMS" in request.POST:
        return _wechat_save(request, villages)
    form = forms.PasteForm(request.POST or None, villages=villages)
    drafts = None
    if request.method == "POST" and form.is_valid():
        parsed = wechat.parse(form.cleaned_data["text"], default_date=form.cleaned_data["received_on"])
        if not parsed:
            form.add_error("text", _("没有读到可登记的消息：每条消息应有发言人和内容，例如“张三：村口路灯坏了”"))
        else:
            import uuid

            drafts = forms.DraftFormSet(prefix="drafts", initial=[
                {"keep": True, "client_id": uuid.uuid4(), "received_on": d.received_on, "reporter_name": d.speaker,
                 "matter": d.matter} for d in parsed])
    return render(request, "requests/wechat.html", {"form": form, "drafts": drafts,
                                                    "village": form.cleaned_data.get("village") if drafts else None})


def _wechat_save(request, villages):
    village = villages.filter(pk=request.POST.get("village") or 0).first()
    if village is None:
        raise Http404("No village matches the given query.")
    drafts = forms.DraftFormSet(request.POST, prefix="drafts")
    if drafts.is_valid():
        saved, errors = [], []
        for row in drafts.cleaned_data:
            if not row.get("keep"):
                continue
            try:
                saved.append(services.request_register(
                    actor=request.user, matter=row["matter"], category=row["category"],
                    received_on=row["received_on"], channel=Channel.WECHAT, village=village,
                    reporter=services.Reporter(name=row["reporter_name"], contact=row["contact"]),
                    client_id=row["client_id"]))
            except services.RequestError as exc:
                errors.append(f"{row['matter'][:20]}：{exc}")
        for line in errors:
            messages.error(request, line)
        if saved:
            messages.success(request, _("已从微信群登记 %(n)d 条诉求") % {"n": len(saved)})
        if not errors:
            return redirect(f"{reverse('requests:list')}?channel={Channel.WECHAT}")
    return render(request, "requests/wechat.html", {"form": None, "drafts": drafts, "village": village})


# ---------------------------------------------------------------- 三事清单


@login_required
@require_http_methods(["GET", "POST"])
def three_lists(request):
    villages = services.villages_for(request.user)
    today = timezone.localdate(clock.now())
    form = forms.ThreeListForm(request.POST or None, villages=villages, initial={
        "year": today.year, "quarter": (today.month - 1) // 3 + 1, "village": villages.first() if
        villages.count() == 1 else None})
    if request.method == "POST" and form.is_valid():
        try:
            made = lists.three_list_generate(actor=request.user, **form.cleaned_data)
        except services.RequestError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("requests:three-list", list_id=made.pk)
    listed = (ThreeList.objects.filter(village__in=villages).select_related("village", "sign_off__by")
              .defer("village__geom", "rows"))
    page, query = _page(request, listed)
    return render(request, "requests/three_lists.html", {"form": form, "page": page, "query": query})


def _three_list_for(user, list_id) -> ThreeList:
    try:
        found = ThreeList.objects.select_related("village", "generated_by").defer("village__geom").get(pk=int(list_id))
    except (ThreeList.DoesNotExist, TypeError, ValueError):
        raise Http404("No list matches the given query.") from None
    if not covers_code(user, found.village.code) and not services.villages_for(user).filter(pk=found.village_id).exists():
        raise Http404("No list matches the given query.")
    return found


@login_required
@require_http_methods(["GET", "POST"])
def three_list(request, list_id):
    found = _three_list_for(request.user, list_id)
    form = forms.SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lists.three_list_sign_off(three_list=found, actor=request.user, note=form.cleaned_data["note"])
        except services.RequestError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已审核签署"))
        return redirect("requests:three-list", list_id=found.pk)
    groups = [(kind, lists.KIND_LABELS[kind], [r for r in found.rows if r["kind"] == kind]) for kind in lists.KIND_ORDER]
    sign_off = getattr(found, "sign_off", None)
    return render(request, "requests/three_list.html", {
        "list": found, "groups": [g for g in groups if g[2]], "sign_off": sign_off, "form": form,
        "may_sign": sign_off is None and request.user.role == "village_cadre",
        "later": ThreeList.objects.filter(village=found.village, year=found.year, quarter=found.quarter,
                                          generated_at__gt=found.generated_at).order_by("-generated_at").first(),
    })


@login_required
def three_list_xlsx(request, list_id):
    found = _three_list_for(request.user, list_id)
    name = f"三事清单-{found.village.name}-{found.year}Q{found.quarter}.xlsx"
    return HttpResponse(lists.three_list_xlsx(found),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": content_disposition_header(True, name)})


