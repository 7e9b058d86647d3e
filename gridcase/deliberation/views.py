from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import covers_code, jurisdiction_codes
from gridcase.cases.selectors import cases_visible_to
from gridcase.deliberation import documents, forms, measures, permissions, selectors, services
from gridcase.deliberation.actions import ACTIONS, DONE, form_for
from gridcase.deliberation.models import AgendaItem, AttendeeRole, Objection, ProgressPhoto, State, Topic
from gridcase.deliberation.workflow import LABELS
from gridcase.lib import clock
from gridcase.lib.forms import resubmittable
from gridcase.requests.selectors import requests_visible_to

PAGE_SIZE = 25


# ---------------------------------------------------------------- topics


@login_required
def topic_list(request):
    filters = forms.FilterForm(request.GET or None)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    topics = selectors.topic_list(user=request.user, **{k: v for k, v in criteria.items() if v not in (None, "")})
    page = Paginator(topics, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    counts = selectors.state_counts(user=request.user)
    return render(request, "deliberation/list.html", {
        "filters": filters, "page": page, "query": query.urlencode(), "today": clock.today(),
        "tabs": [(state, label, counts.get(state, 0)) for state, label in State.choices],
        "can_propose": request.user.role in permissions.PROPOSERS, **_ledgers(request.user),
    })


def _ledgers(user) -> dict:
    """Which village's 问题登记簿 and which town's 法律顾问名单 to offer: the user's own."""
    code = user.area.code if user.area_id else ""
    return {"ledger_village": code if len(code) == 12 else "", "ledger_town": code[:9] if len(code) >= 9 else ""}


@login_required
@require_http_methods(["GET", "POST"])
def topic_propose(request):
    villages = selectors.villages_for(user=request.user)
    initial = {"case_number": request.GET.get("case", ""), "source": "case" if request.GET.get("case") else "member"}
    if number := request.GET.get("request", ""):
        initial = {"request_number": number, "source": "request",
                   **selectors.proposal_from_request(user=request.user, number=number)}
    form = forms.ProposeForm(request.POST or None, villages=villages, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        case = None
        if data["case_number"].strip():
            case = cases_visible_to(user=request.user).filter(number=data["case_number"].strip().upper()).first()
            if case is None:
                form.add_error("case_number", _("在您的辖区内找不到该编号的案件"))
        source_request = None
        if data["request_number"].strip():
            source_request = requests_visible_to(user=request.user).filter(number=data["request_number"].strip()).first()
            if source_request is None:
                form.add_error("request_number", _("在您的辖区内找不到该编号的诉求"))
        if form.is_valid():
            try:
                topic = services.topic_propose(
                    actor=request.user, village=data["village"], title=data["title"], list_item=data["list_item"],
                    description=data["description"], place=data["place"], source=data["source"], case=case,
                    request=source_request, channel=data["channel"],
                    proposer_name=data["proposer_name"], proposer_phone=data["proposer_phone"],
                    client_id=data["client_id"])
            except services.DeliberationError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("议题已登记，待领导小组审议"))
                return redirect("deliberation:detail", topic_id=topic.pk)
    return render(request, "deliberation/propose.html", {"form": form})


@login_required
def topic_detail(request, topic_id):
    topic = permissions.topic_for_user(request.user, topic_id)
    hats = permissions.hats(request.user, topic)
    return render(request, "deliberation/detail.html", {
        "topic": topic, "events": selectors.timeline(topic=topic), "hats": hats,
        "actions": [(a, LABELS[a]) for a in permissions.allowed_actions(request.user, topic)],
        "agenda": topic.agenda_items.select_related("meeting").order_by("meeting__held_at"),
        "reviews": topic.legal_reviews.select_related("adviser"),
        "objections": selectors.objections_of(topic=topic, in_full="cadre" in hats),
        "progress": topic.progress.prefetch_related("photos").select_related("by"),
        "survey": topic.survey.all(),
        "can_answer": "cadre" in hats and permissions.state_allows(topic, "answer"),
        "answer_form": forms.AnswerForm(),
        "overdue": topic.state == State.EXECUTING and topic.execution_deadline is not None
        and topic.execution_deadline < clock.today(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def topic_action(request, topic_id, action):
    topic = permissions.topic_for_user(request.user, topic_id)
    if action not in ACTIONS:
        raise Http404
    perform = ACTIONS[action][1]
    form = form_for(action, topic, request.POST or None, request.FILES or None, initial={"version": topic.version})
    stale = None
    if request.method == "POST" and form.is_valid():
        try:
            perform(topic, request.user, dict(form.cleaned_data))
        except services.StaleTopic as exc:
            stale = exc
            form = resubmittable(lambda data: form_for(action, topic, data, request.FILES or None), request.POST,
                                 exc.topic.version)
        except services.DeliberationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, DONE.get(action) or _("已完成：%(action)s") % {"action": LABELS[action]})
            return redirect("deliberation:detail", topic_id=topic.pk)
    return render(request, "deliberation/action.html", {"topic": topic, "form": form, "label": LABELS[action],
                                                        "stale": stale, "multipart": form.is_multipart()})


@login_required
@require_POST
def objection_answer(request, topic_id, objection_id):
    topic = permissions.topic_for_user(request.user, topic_id)
    objection = get_object_or_404(Objection, pk=objection_id, topic=topic)
    form = forms.AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写答复内容"))
    else:
        try:
            services.objection_answer(objection=objection, actor=request.user, answer=form.cleaned_data["answer"])
        except services.DeliberationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已答复异议"))
    return redirect("deliberation:detail", topic_id=topic.pk)


@login_required
def progress_photo(request, topic_id, photo_id):
    topic = permissions.topic_for_user(request.user, topic_id)
    photo = get_object_or_404(ProgressPhoto, pk=photo_id, progress__topic=topic)
    return FileResponse(photo.file.open("rb"), content_type=photo.content_type)


@login_required
def review_queue(request):
    if request.user.role != "legal_adviser":
        raise PermissionDenied
    page = Paginator(selectors.review_queue(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deliberation/reviews.html", {"page": page})


# ---------------------------------------------------------------- meetings


@login_required
def meeting_list(request):
    page = Paginator(selectors.meeting_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "deliberation/meetings.html", {
        "page": page, "can_convene": request.user.role == "village_cadre"})


def _attendees(formset) -> list[services.AttendeeInput]:
    return [services.AttendeeInput(role=row["role"], name=row["name"], present=row["present"])
            for row in formset.cleaned_data if row.get("name")]


def _point(data) -> Point | None:
    return Point(data["lon"], data["lat"], srid=4326) if data.get("lon") is not None else None


DEFAULT_ROLES = [AttendeeRole.COMMITTEE, AttendeeRole.ADVISER, AttendeeRole.GRID_WORKER, AttendeeRole.MEDIATOR,
                 AttendeeRole.LEGAL_LITERATE, AttendeeRole.REPRESENTATIVE]


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, meeting_id=None):
    meeting = permissions.meeting_for_user(request.user, meeting_id) if meeting_id else None
    villages = selectors.villages_for(user=request.user)
    village = meeting.village if meeting else villages.filter(code=request.user.area.code if request.user.area else "").first()
    if village is None or not permissions.is_leading_group(request.user, village.code):
        raise PermissionDenied
    if meeting:
        initial = {"version": meeting.version, "held_at": timezone.localtime(meeting.held_at), "place": meeting.place,
                   "recorder": meeting.recorder, "lon": meeting.location.x if meeting.location else None,
                   "lat": meeting.location.y if meeting.location else None}
        rows = [{"role": a.role, "name": a.name, "present": a.present} for a in meeting.attendees.all()]
    else:
        initial = {"held_at": timezone.localtime(clock.now()).replace(minute=0, second=0, microsecond=0)}
        rows = [{"role": role, "present": True} for role in DEFAULT_ROLES]
    form = forms.MeetingForm(request.POST or None, initial=initial)
    formset = forms.AttendeeFormSet(request.POST or None, prefix="att", initial=rows)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        d = form.cleaned_data
        try:
            if meeting:
                meeting = services.meeting_update(meeting=meeting, actor=request.user, expected_version=d["version"],
                                                  held_at=d["held_at"], place=d["place"], location=_point(d),
                                                  recorder=d["recorder"], attendees=_attendees(formset))
            else:
                meeting = services.meeting_create(actor=request.user, village=village, held_at=d["held_at"],
                                                  place=d["place"], location=_point(d), recorder=d["recorder"],
                                                  attendees=_attendees(formset))
        except services.DeliberationError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("deliberation:meeting", meeting_id=meeting.pk)
    centre = village.geom.point_on_surface if village else None
    return render(request, "deliberation/meeting_edit.html", {
        "form": form, "formset": formset, "meeting": meeting, "village": village,
        "centre": centre, "boundary": village.geom.geojson if village else ""})


@login_required
def meeting_detail(request, meeting_id):
    meeting = permissions.meeting_for_user(request.user, meeting_id)
    leads = permissions.is_leading_group(request.user, meeting.village_code)
    agenda = list(meeting.agenda.select_related("topic__list_item").order_by("order", "id"))
    upcoming = meeting.held_at > clock.now()  # minutes and votes only once the meeting has taken place
    for item in agenda:
        item.form = forms.MinutesForm(prefix=f"m{item.pk}", initial={
            "version": item.topic.version, "item": item.pk, "discussion": item.discussion, "decision": item.decision,
            "votes_for": item.votes_for, "votes_against": item.votes_against, "votes_abstain": item.votes_abstain})
        item.can_record = leads and item.topic.state == State.SCHEDULED and not upcoming
        item.can_unschedule = leads and item.topic.state == State.SCHEDULED and not item.recorded_at
    attendees = list(meeting.attendees.all())
    return render(request, "deliberation/meeting.html", {
        "meeting": meeting, "agenda": agenda, "attendees": attendees, "leads": leads, "upcoming": upcoming,
        "present": sum(a.present for a in attendees),
        "schedulable": selectors.schedulable_topics(meeting=meeting) if leads else [],
    })


@login_required
@require_POST
def meeting_schedule(request, meeting_id):
    meeting = permissions.meeting_for_user(request.user, meeting_id)
    topic = permissions.topic_for_user(request.user, request.POST.get("topic"))
    try:
        services.meeting_add_topic(meeting=meeting, actor=request.user, topic=topic)
    except services.DeliberationError as exc:
        messages.error(request, str(exc))
    return redirect("deliberation:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
def meeting_unschedule(request, meeting_id, item_id):
    meeting = permissions.meeting_for_user(request.user, meeting_id)
    item = get_object_or_404(AgendaItem, pk=item_id, meeting=meeting)
    try:
        services.meeting_remove_topic(item=item, actor=request.user)
    except services.DeliberationError as exc:
        messages.error(request, str(exc))
    return redirect("deliberation:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
def minutes_record(request, meeting_id, item_id):
    meeting = permissions.meeting_for_user(request.user, meeting_id)
    item = get_object_or_404(AgendaItem.objects.select_related("topic"), pk=item_id, meeting=meeting)
    form = forms.MinutesForm(request.POST, prefix=f"m{item.pk}")
    if not form.is_valid():
        messages.error(request, _("会议记录填写不完整：%(errors)s") % {
            "errors": "；".join(f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}"
                               for f, e in form.errors.items())})
    else:
        d = form.cleaned_data
        try:
            services.minutes_record(item=item, actor=request.user, discussion=d["discussion"], decision=d["decision"],
                                    votes_for=d["votes_for"], votes_against=d["votes_against"],
                                    votes_abstain=d["votes_abstain"], expected_version=d["version"])
        except services.DeliberationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已记录议事结果：%(title)s") % {"title": item.topic.title})
    return redirect("deliberation:meeting", meeting_id=meeting.pk)


# ---------------------------------------------------------------- documents


def _pdf_response(pdf: bytes, *, filename: str) -> HttpResponse:
    return HttpResponse(pdf, content_type="application/pdf",
                        headers={"Content-Disposition": content_disposition_header(True, filename)})


@login_required
@never_cache
def meeting_record_pdf(request, meeting_id):
    meeting = permissions.meeting_for_user(request.user, meeting_id)
    return _pdf_response(documents.meeting_record_pdf(meeting=meeting),
                         filename=f"援法议事活动会议记录-{meeting.village.name}-{meeting.held_at:%Y%m%d}.pdf")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(data: bytes, *, filename: str) -> HttpResponse:
    return HttpResponse(data, content_type=XLSX, headers={"Content-Disposition": content_disposition_header(True, filename)})


@login_required
@never_cache
def problem_register(request, village_code, fmt):
    village = get_object_or_404(Area.objects.select_related("parent").defer("geom", "parent__geom"),
                                level=Level.VILLAGE, code=village_code)
    if not permissions.covers_village(request.user, village.code):
        raise Http404
    topics = permissions.topics_visible_to(user=request.user).filter(village_code=village.code).order_by("registered_at")
    name = f"援法议事问题登记簿-{village.name}"
    if fmt == "xlsx":
        return _xlsx_response(documents.problem_register_xlsx(village=village, topics=topics), filename=f"{name}.xlsx")
    return _pdf_response(documents.problem_register_pdf(village=village, topics=topics), filename=f"{name}.pdf")


@login_required
@never_cache
def advisers_list(request, town_code, fmt):
    town = get_object_or_404(Area.objects.defer("geom"), level=Level.TOWN, code=town_code)
    if not (covers_code(request.user, town.code) or any(c.startswith(town.code) for c in jurisdiction_codes(request.user))):
        raise Http404
    if fmt == "xlsx":
        return _xlsx_response(documents.advisers_xlsx(town=town), filename=f"法律顾问名单-{town.name}.xlsx")
    return _pdf_response(documents.advisers_pdf(town=town), filename=f"法律顾问名单-{town.name}.pdf")


# ---------------------------------------------------------------- measures


@login_required
def measures_page(request):
    today = clock.today()
    form = forms.PeriodForm(request.GET or None, initial={"start": today.replace(day=1) - timedelta(days=365),
                                                          "end": today})
    start, end = today.replace(day=1) - timedelta(days=365), today
    codes = jurisdiction_codes(request.user)
    area = codes[0][:12] if codes else None
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        if form.cleaned_data["area"]:
            area = form.cleaned_data["area"]
    if area is None or not any(area.startswith(c[:12]) for c in codes):
        raise Http404
    tz = timezone.get_current_timezone()
    figures = measures.measures(code=area, start=datetime.combine(start, time.min, tz),
                                end=datetime.combine(end + timedelta(days=1), time.min, tz))
    return render(request, "deliberation/measures.html", {
        "form": form, "figures": figures, "definitions": measures.DEFINITIONS, "area": Area.objects.filter(
            code=area).only("name", "code").first(), "start": start, "end": end})


# ---------------------------------------------------------------- the public page (no login)


def public_village(request, village_code):
    village = selectors.public_village(code=village_code)
    if village is None:
        raise Http404
    return render(request, "deliberation/public.html", {
        "village": village, "board": selectors.public_topics(village=village), "form": forms.ObjectionForm()})


def _client_ip(request) -> str:
    # Behind the reverse proxy the deployment configures REMOTE_ADDR (see docs); X-Forwarded-For is
    # client-controlled, so it is not trusted here.
    return request.META.get("REMOTE_ADDR", "")


@require_POST
def public_objection(request, village_code, topic_id):
    village = selectors.public_village(code=village_code)
    if village is None:
        raise Http404
    topic = get_object_or_404(Topic, pk=topic_id, village_code=village.code,
                              state__in=[State.PUBLICITY, State.OBJECTED])
    form = forms.ObjectionForm(request.POST)
    if form.is_valid():
        if not request.session.session_key:
            request.session.save()
        try:
            services.objection_lodge(topic=topic, text=form.cleaned_data["text"], name=form.cleaned_data["name"],
                                     contact=form.cleaned_data["contact"], ip=_client_ip(request),
                                     session_key=request.session.session_key)
        except services.TooManyObjections as exc:
            return render(request, "deliberation/public.html", {
                "village": village, "board": selectors.public_topics(village=village), "form": form,
                "error": str(exc), "error_topic": topic.pk}, status=429)
        except services.DeliberationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("您的异议已提交，村(社区)援法议事领导小组将予以答复。"))
            return redirect("deliberation_public:village", village_code=village.code)
    return render(request, "deliberation/public.html", {
        "village": village, "board": selectors.public_topics(village=village), "form": form,
        "error": "；".join(e for errors in form.errors.values() for e in errors), "error_topic": topic.pk}, status=400)
