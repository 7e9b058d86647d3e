"""Every change to a request goes through one of these functions. Each locks the request row, checks
the actor, the state and the version the actor saw, changes what it must with update_fields and
appends a RequestEvent, all in one transaction; notifications go out after commit.
"""

import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.models import Area, Level
from geodata.selectors import LocationError, locate_for_user
from gridcase.accounts.jurisdiction import covers_code, jurisdiction_codes
from gridcase.accounts.models import Role, User
from gridcase.accounts.selectors import users_covering
from gridcase.lib import clock, crypto, uploads
from gridcase.notifications.services import notify
from gridcase.requests import permissions
from gridcase.requests.models import (
    OPEN_STATES,
    Channel,
    Handling,
    Kind,
    MergeDismissal,
    Office,
    PersonalDataView,
    Request,
    RequestCategory,
    RequestEvent,
    RequestNumberCounter,
    RequestPhoto,
    Satisfaction,
    State,
)
from gridcase.requests.workflow import LABELS, REGISTRARS, TRANSITIONS
from gridcase.workdays.selectors import add_working_days

# Working days the village committee has for a 小事 (a town office has its own Office.time_limit_days).
VILLAGE_TIME_LIMIT_DAYS = 10


class RequestError(Exception):
    """A change that was refused; the message says why, for the user."""


class NotAllowed(RequestError):
    pass


class OutsideJurisdiction(RequestError):
    """The point lies in no grid of the actor's jurisdiction; the message names where it is."""


class StaleRequest(RequestError):
    """Someone changed the request after the actor loaded it; `changes` lists what they did."""

    def __init__(self, request: Request, seen_version: int):
        self.request = request
        self.changes = list(request.events.filter(version__gt=seen_version).select_related("actor").order_by("at", "id"))
        super().__init__(_("您打开页面后，该诉求已被他人修改（%(n)d 处变更），您的修改尚未保存。请查看变更后再提交。")
                         % {"n": len(self.changes)})


@dataclass
class Reporter:
    name: str = ""
    contact: str = ""


# ---------------------------------------------------------------- helpers


def _lock(request: Request | int, *, actor, action: str, expected_version: int | None) -> Request:
    request_id = request.pk if isinstance(request, Request) else request
    locked = (Request.objects.select_for_update(of=("self",)).select_related("category", "office", "village")
              .defer("village__geom").get(pk=request_id))
    if expected_version is not None and locked.version != expected_version:
        raise StaleRequest(locked, expected_version)
    if not permissions.may(actor, locked, action):
        raise NotAllowed(_("您无权对该诉求执行「%(action)s」") % {"action": LABELS[action]})
    if action not in TRANSITIONS[locked.state]:
        allowed = "、".join(str(label) for _a, label in permissions.allowed_actions(actor, locked)) if actor else ""
        raise NotAllowed(_("诉求当前状态为「%(state)s」，不能「%(action)s」；现在可以：%(allowed)s") % {
            "state": locked.get_state_display(), "action": LABELS[action], "allowed": allowed or _("无")})
    return locked


def _log(request: Request, *, actor, kind: str, from_state: str, note: str = "", data: dict | None = None,
         fields: tuple[str, ...] = (), bump: bool = True, at=None) -> RequestEvent:
    if bump:
        request.version += 1
        request.save(update_fields=[*fields, "version", "updated_at"])
    return RequestEvent.objects.create(request=request, at=at or clock.now(), actor=actor, kind=kind, from_state=from_state,
                                       to_state=request.state, version=request.version, note=note, data=data or {})


def _move(request: Request, to_state: str, *, actor, kind: str, note: str = "", data: dict | None = None,
          fields: tuple[str, ...] = (), at=None) -> Request:
    from_state = request.state
    request.state = to_state
    _log(request, actor=actor, kind=kind, from_state=from_state, note=note, data=data, fields=("state", *fields), at=at)
    _rules(request)
    return request


def _rules(request: Request) -> None:
    """Let the rules look at the request as it is now (deadline reminders and overdue notices are rules)."""
    from gridcase.escalation import engine  # the engine calls back into these services

    engine.evaluate(request=request)


def request_url(request: Request) -> str:
    return reverse("requests:detail", args=[request.pk])


def next_number(*, town_code: str, year: int) -> str:
    """'321302112-2026-M00012': per town and year, without gaps or duplicates (gridcase.lib.numbering)."""
    number = RequestNumberCounter.next_for(town_code=town_code, year=year)
    return f"{town_code}-{year}-M{number:05d}"


def mask_name(name: str) -> str:
    """'张建国' → '张**'; a name is personal data too."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_contact(contact: str) -> str:
    contact = crypto.normalise(contact)
    return crypto.mask_phone(contact) if contact else ""


def responsible_users(request: Request) -> list[User]:
    """Who must act on the request now: the office (its members in the town, else the town leaders)
    for a 大事, the village cadres otherwise."""
    if request.kind == Kind.MAJOR and request.office_id:
        members = [u for u in request.office.members.filter(is_active=True) if covers_code(u, request.town_code)]
        return members or list(users_covering(code=request.town_code, roles=[Role.TOWN_LEADER]))
    return list(users_covering(code=request.village_code, roles=[Role.VILLAGE_CADRE]))


def _tell(request: Request, *, kind: str, title: str, body: str = "") -> None:
    notify(recipients=responsible_users(request), kind=kind, title=title, body=body, url=request_url(request))


# ---------------------------------------------------------------- registering


def villages_for(user):
    """The villages a user may register requests for (a grid worker: the villages of their grids)."""
    codes = jurisdiction_codes(user)
    villages = Area.objects.filter(level=Level.VILLAGE).defer("geom")
    if "" in codes:
        return villages
    q = None
    for code in codes:
        part = villages.filter(code__startswith=code[:12]) if len(code) >= 12 else villages.filter(code__startswith=code)
        q = part if q is None else q | part
    return q if q is not None else villages.none()


def request_register(*, actor, matter: str, category: RequestCategory, received_on: date,
                     channel: str = Channel.WALK, village: Area | None = None, location: Point | None = None,
                     reporter: Reporter | None = None, client_id: uuid.UUID | None = None, patrol=None,
                     photos=()) -> Request:
    """Register a resident's request, with photos of the problem. With a location, the point must lie
    in a grid of the actor's jurisdiction and decides the village; without one, the request belongs to
    `village`, which must be one the actor may register for. A repeat of the same `client_id` returns
    the first request and stores none of the repeat's photos."""
    if client_id is not None and (existing := Request.objects.filter(client_id=client_id).first()):
        return _same_submission(existing, actor)
    if actor is not None and actor.role not in REGISTRARS and not actor.is_superuser:
        raise NotAllowed(_("您的角色不能登记民情诉求"))
    if not matter.strip():
        raise RequestError(_("请填写反映事项"))
    if channel not in Channel.values:
        raise RequestError(_("未知的反映渠道：%(channel)s") % {"channel": channel})
    now = clock.now()
    if received_on > timezone.localdate(now):
        raise RequestError(_("反映日期不能晚于今天"))
    grid = None
    if location is not None:
        try:
            where = locate_for_user(user=actor, point=location)
        except LocationError as exc:
            raise OutsideJurisdiction(str(exc)) from None
        if village is not None and village.pk != where.village.pk:
            raise RequestError(_("所选位置在%(located)s，与所选村(社区)%(chosen)s不一致") % {
                "located": where.village.name, "chosen": village.name})
        grid, village = where.grid, where.village
    elif village is None:
        raise RequestError(_("请选择诉求所属的村(社区)，或在地图上选择位置"))
    elif not villages_for(actor).filter(pk=village.pk).exists():
        raise RequestError(_("%(village)s不在您的辖区内") % {"village": village.name})
    checked = [_checked_photo(upload) for upload in photos]
    reporter = reporter or Reporter()
    name, contact = reporter.name.strip(), crypto.normalise(reporter.contact)
    try:
        with transaction.atomic():
            town_code = village.code[:9]
            request = Request.objects.create(
                number=next_number(town_code=town_code, year=timezone.localtime(now).year), client_id=client_id,
                channel=channel, received_on=received_on, matter=matter.strip(), category=category,
                location=location, grid=grid, village=village, area_code=grid.code if grid else village.code,
                village_code=village.code, town_code=town_code, county_code=village.code[:6],
                reporter_name_encrypted=crypto.encrypt(name), reporter_name_index=crypto.blind_index(name),
                reporter_name_masked=mask_name(name), contact_encrypted=crypto.encrypt(contact),
                contact_index=crypto.blind_index(contact), contact_masked=mask_contact(contact),
                registered_by=actor, registered_at=now, patrol=patrol,
            )
            for photo in checked:
                RequestPhoto.objects.create(request=request, file=photo.file, original_name=photo.original_name,
                                            content_type=photo.content_type, size=photo.size, uploaded_by=actor,
                                            uploaded_at=now)
            _log(request, actor=actor, kind="request.registered", from_state="", bump=False,
                 data={"number": request.number, "channel": channel, "village": village.code,
                       "grid": grid.code if grid else "", **({"photos": len(checked)} if checked else {}),
                       **({"patrol": patrol.pk} if patrol else {})})
            _tell(request, kind="request.registered", title=_("新诉求待分流：%(number)s") % {"number": request.number},
                  body=request.matter[:200])
            _rules(request)
    except IntegrityError:
        # Two retries of one submission raced past the lookup above; the first one won.
        if client_id is not None and (existing := Request.objects.filter(client_id=client_id).first()):
            return _same_submission(existing, actor)
        raise
    return request


def _checked_photo(upload) -> uploads.Accepted:
    """The photo checked and cleaned by gridcase.lib.uploads (type from its bytes, EXIF and GPS removed)."""
    limit = getattr(settings, "REQUEST_PHOTO_MAX_BYTES", settings.CASE_ATTACHMENT_MAX_BYTES)
    try:
        return uploads.accept(upload, allowed=uploads.PHOTO_TYPES, max_bytes=limit)
    except uploads.UploadRefused as exc:
        raise RequestError(f"{exc}：{upload.name}") from None


def _same_submission(existing: Request, actor) -> Request:
    if actor is not None and existing.registered_by_id != actor.pk:
        raise RequestError(_("该提交编号已被其他用户使用"))
    return existing


# ---------------------------------------------------------------- 三事分流


def guidance_for(request: Request) -> str:
    """The guidance note for a 私事, rendered from the category's editable template."""
    source = request.category.guidance_template or RequestCategory.objects.filter(code="other").values_list(
        "guidance_template", flat=True).first() or ""
    try:
        template = Template("{% autoescape off %}" + source + "{% endautoescape %}")
    except TemplateSyntaxError as exc:
        raise RequestError(_("类别「%(category)s」的引导说明模板有误：%(error)s") % {
            "category": request.category.name, "error": exc}) from None
    return template.render(Context({
        "village": request.village.name, "category": request.category.name, "matter": request.matter[:60],
        "date": request.received_on.strftime("%Y-%m-%d"), "number": request.number,
    })).strip()


def offices_for_request(request: Request):
    """The offices a 大事 of this request's town can go to: the general ones and the town's own."""
    return Office.objects.filter(active=True).filter(town__isnull=True) | Office.objects.filter(
        active=True, town__code=request.town_code)


@transaction.atomic
def request_triage(*, request: Request | int, actor, kind: str, office: Office | None = None,
                   handling: str = Handling.ONE_BY_ONE, guidance: str = "", note: str = "",
                   expected_version: int | None = None) -> Request:
    """三事分流: a 大事 goes to a town office's queue with the office's time limit, a 小事 to the
    village committee (一事一议, or a 援法议事 topic), a 私事 back to the resident with a guidance note
    (from the category's template unless one is written), which is the reply."""
    request = _lock(request, actor=actor, action="triage", expected_version=expected_version)
    now = clock.now()
    data = {"kind": kind}
    request.kind = kind
    if kind == Kind.MAJOR:
        if office is None:
            raise RequestError(_("大事须选择归口部门"))
        if not offices_for_request(request).filter(pk=office.pk).exists():
            raise RequestError(_("「%(office)s」不是本镇的归口部门") % {"office": office.name})
        request.office, request.handling, request.guidance = office, "", ""
        request.deadline = add_working_days(now, office.time_limit_days)
        to_state = State.HANDLING
        data["office"] = office.name
    elif kind == Kind.MINOR:
        if handling not in Handling.values:
            raise RequestError(_("请选择小事的办理方式"))
        request.office, request.handling, request.guidance = None, handling, ""
        request.deadline = add_working_days(now, VILLAGE_TIME_LIMIT_DAYS)
        # 转援法议事 waits in 办理中 until its topic is registered (request_to_deliberation links the two).
        to_state = State.HANDLING
        data["handling"] = handling
    elif kind == Kind.PRIVATE:
        request.office, request.handling, request.deadline = None, "", None
        request.guidance = guidance.strip() or guidance_for(request)
        request.reply, request.replied_at = request.guidance, now
        to_state = State.REPLIED
    else:
        raise RequestError(_("请选择大事、小事或私事"))
    _move(request, to_state, actor=actor, kind="request.triaged", note=note, data=data, at=now,
          fields=("kind", "office", "handling", "guidance", "deadline", "reply", "replied_at"))
    if to_state in OPEN_STATES:
        _tell(request, kind="request.assigned", title=_("诉求交办：%(number)s（%(kind)s）") % {
            "number": request.number, "kind": request.get_kind_display()}, body=request.matter[:200])
    return request


def request_to_topic_payload(request: Request) -> dict:
    """What a 援法议事 topic needs from a 小事, without personal data: for gridcase.deliberation."""
    return {
        "source": "request", "request_id": request.pk, "number": request.number,
        "title": request.matter.strip().splitlines()[0][:60], "description": request.matter,
        "category": request.category.name, "village_code": request.village_code, "town_code": request.town_code,
        "received_on": request.received_on.isoformat(), "reporters_count": request.reporters_count,
        "channel": request.channel,
        "location": [request.location.x, request.location.y] if request.location else None,
    }


@transaction.atomic
def request_to_deliberation(*, request: Request | int, actor, topic_id: int, note: str = "",
                            expected_version: int | None = None) -> Request:
    """A 小事 of the village becomes a deliberation topic: called by gridcase.deliberation when it
    registers the topic (with its id), in the same transaction. The request stays open, 议事中, until
    the outcome is replied to the reporter."""
    request = _lock(request, actor=actor, action="deliberate", expected_version=expected_version)
    if refusal := permissions.deliberation_refusal(request, topic_id=topic_id):
        raise RequestError(refusal)
    request.handling = Handling.DELIBERATION
    return _move(request, State.DELIBERATING, actor=actor, kind="request.to_deliberation", note=note,
                 data={"topic": topic_id}, fields=("handling",))


@transaction.atomic
def request_reply(*, request: Request | int, actor, reply: str, expected_version: int | None = None) -> Request:
    """The office or the village answers; the reporter's feedback then closes the request."""
    if not reply.strip():
        raise RequestError(_("请填写答复内容"))
    request = _lock(request, actor=actor, action="reply", expected_version=expected_version)
    request.reply, request.replied_at = reply.strip(), clock.now()
    return _move(request, State.REPLIED, actor=actor, kind="request.replied", note=reply.strip(),
                 fields=("reply", "replied_at"))


@transaction.atomic
def request_close(*, request: Request | int, actor, satisfaction: str, feedback: str = "",
                  expected_version: int | None = None) -> Request:
    """Record the reporter's feedback on the reply and close with their satisfaction."""
    if satisfaction not in Satisfaction.values:
        raise RequestError(_("请选择反映人的满意度"))
    request = _lock(request, actor=actor, action="close", expected_version=expected_version)
    request.satisfaction, request.feedback, request.closed_at = satisfaction, feedback.strip(), clock.now()
    return _move(request, State.CLOSED, actor=actor, kind="request.closed", note=feedback.strip(),
                 data={"satisfaction": satisfaction}, fields=("satisfaction", "feedback", "closed_at"))


@transaction.atomic
def request_reopen(*, request: Request | int, actor, feedback: str, expected_version: int | None = None) -> Request:
    """The reporter is not satisfied with the reply and asks for more: back to whoever handles it,
    with a new time limit. (A 私事 goes back to triage.)"""
    if not feedback.strip():
        raise RequestError(_("请记录反映人的反馈意见"))
    request = _lock(request, actor=actor, action="feedback", expected_version=expected_version)
    now = clock.now()
    request.feedback = feedback.strip()
    if request.kind == Kind.MAJOR:
        request.deadline, to_state = add_working_days(now, request.office.time_limit_days), State.HANDLING
    elif request.kind == Kind.MINOR:
        request.deadline, to_state = add_working_days(now, VILLAGE_TIME_LIMIT_DAYS), State.HANDLING
    else:
        request.deadline, to_state = None, State.REGISTERED
    _move(request, to_state, actor=actor, kind="request.reopened", note=request.feedback, at=now,
          fields=("feedback", "deadline"))
    _tell(request, kind="request.reopened", title=_("反映人不满意，诉求重新办理：%(number)s") % {"number": request.number},
          body=request.feedback[:200])
    return request


# ---------------------------------------------------------------- repeats (多次反映)


@transaction.atomic
def request_merge(*, request: Request | int, into: Request | int, actor, note: str = "",
                  expected_version: int | None = None) -> Request:
    """The same matter reported again: `request` is merged into `into`, which counts its reporters.
    Nothing is lost: the merged request keeps its matter and reporter and points at the one it joined."""
    source_id = request.pk if isinstance(request, Request) else request
    target_id = into.pk if isinstance(into, Request) else into
    if source_id == target_id:
        raise RequestError(_("不能合并到自身"))
    # Lock both rows in id order, so that two cadres merging a pair either way round cannot deadlock.
    list(Request.objects.select_for_update(of=("self",)).filter(pk__in=[source_id, target_id]).order_by("pk"))
    source = _lock(source_id, actor=actor, action="merge", expected_version=expected_version)
    target = Request.objects.select_related("category").get(pk=target_id)
    if target.state in (State.MERGED, State.CLOSED):
        raise RequestError(_("诉求 %(number)s 已%(state)s，不能再并入") % {
            "number": target.number, "state": target.get_state_display()})
    if actor is not None and not permissions.covers(actor, target):
        raise NotAllowed(_("您无权办理诉求 %(number)s") % {"number": target.number})
    if target.town_code != source.town_code:
        raise RequestError(_("只能合并同一乡镇的诉求"))
    before = target.reporters_count
    target.reporters_count += source.reporters_count
    _log(target, actor=actor, kind="request.merged_in", from_state=target.state, note=note,
         data={"request": source.pk, "number": source.number, "reporters": [before, target.reporters_count]},
         fields=("reporters_count",))
    source.merged_into, source.closed_at = target, clock.now()
    _move(source, State.MERGED, actor=actor, kind="request.merged", note=note,
          data={"into": target.pk, "number": target.number}, fields=("merged_into", "closed_at"))
    return target


@transaction.atomic
def merge_dismiss(*, first: Request, second: Request, actor) -> MergeDismissal:
    """A cadre says a proposed pair are different matters: they are not proposed again."""
    for request in (first, second):
        if not permissions.may(actor, request, "merge"):
            raise NotAllowed(_("您无权办理诉求 %(number)s") % {"number": request.number})
    low, high = sorted([first, second], key=lambda r: r.pk)
    dismissal, _created = MergeDismissal.objects.get_or_create(first=low, second=high,
                                                               defaults={"by": actor, "at": clock.now()})
    return dismissal


# ---------------------------------------------------------------- to a mediation case


CHANNEL_TO_SOURCE = {Channel.WALK: "grid_worker", Channel.VISIT: "visit", Channel.HOTLINE: "hotline"}


@transaction.atomic
def request_to_case(*, request: Request | int, actor, title: str, category, location: Point | None = None,
                    expected_version: int | None = None):
    """The request is a dispute: register a mediation case (gridcase.cases) with the reporter as
    applicant and link the two. A case needs a place, so a request without one must be given one."""
    from gridcase.cases import services as case_services

    request = _lock(request, actor=actor, action="to_case", expected_version=expected_version)
    location = location or request.location
    if location is None:
        raise RequestError(_("转为调解案件需要纠纷发生位置，请在地图上选择"))
    name = crypto.decrypt(request.reporter_name_encrypted)
    parties = [case_services.PartyInput(name=name, phone=crypto.decrypt(request.contact_encrypted))] if name else []
    try:
        case = case_services.case_register(
            actor=actor, title=title, category=category, location=location, narrative=request.matter,
            source=CHANNEL_TO_SOURCE.get(request.channel, "other"), parties=parties,
            client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"gridcase:request:{request.pk}"),
        )
    except case_services.CaseError as exc:
        raise RequestError(str(exc)) from None
    request.case = case
    _move(request, State.MEDIATION, actor=actor, kind="request.to_case", data={"case": case.pk, "number": case.number},
          fields=("case",))
    return case


# ---------------------------------------------------------------- personal data


def reporter_in_full(*, user, request: Request) -> Reporter:
    """The reporter's name and contact, for those who act on the request; each view is logged."""
    if not (permissions.may(user, request, "triage") or permissions.may(user, request, "reply")
            or request.registered_by_id == user.pk):
        raise NotAllowed(_("只有办理该诉求的人员可以查看反映人完整信息"))
    if request.reporter_name_encrypted or request.contact_encrypted:
        PersonalDataView.objects.create(user=user, request=request, at=clock.now())
    return Reporter(name=crypto.decrypt(request.reporter_name_encrypted), contact=crypto.decrypt(request.contact_encrypted))


# ---------------------------------------------------------------- changes made by the rules engine


def request_note_rule(*, request: Request, rule) -> RequestEvent:
    """A rule that only tells people leaves a mark on the timeline (the request is unchanged, and
    nobody's open form goes stale). Timed before the deadline it is a reminder, at or after it an
    overdue notice (gridcase.requests.rules sends them)."""
    deadline = timezone.localtime(request.deadline).strftime("%Y-%m-%d %H:%M") if request.deadline else ""
    return _log(request, actor=None, kind=notice_kind(rule), from_state=request.state, note=rule.reason, bump=False,
                data={"deadline": deadline, "rule": rule.pk})


def notice_kind(rule) -> str:
    if rule.deadline_offset is None:
        return "request.rule_warning"
    return "request.overdue" if rule.deadline_offset >= 0 else "request.reminded"
