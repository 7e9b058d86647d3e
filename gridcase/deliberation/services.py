"""Every change to a deliberation topic goes through one of these functions. Each locks the topic row,
checks the version the actor saw, who they are and the state, changes what it must with
update_fields, appends a TopicEvent and notifies on commit — in one transaction.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from gridcase.accounts.selectors import users_covering
from gridcase.cases.models import Case
from gridcase.deliberation import conf, permissions
from gridcase.deliberation.models import (
    AgendaItem,
    Attendee,
    Channel,
    LegalReview,
    ListItem,
    Meeting,
    Objection,
    Progress,
    ProgressPhoto,
    Source,
    State,
    Supervisor,
    SurveyResponse,
    Topic,
    TopicEvent,
)
from gridcase.deliberation.workflow import LABELS
from gridcase.lib import clock, crypto, uploads
from gridcase.notifications.services import notify
from gridcase.requests import services as request_services
from gridcase.requests.models import Request


class DeliberationError(Exception):
    """A change that was refused; the message says why, for the user."""


class NotAllowed(DeliberationError):
    pass


class StaleTopic(DeliberationError):
    """Someone changed the topic after the actor loaded it; `changes` lists what they did."""

    def __init__(self, topic: Topic, seen_version: int):
        self.topic = topic
        self.changes = list(topic.events.filter(version__gt=seen_version).select_related("actor").order_by("at", "id"))
        super().__init__(_("您打开页面后，该议题已被他人修改（%(n)d 处变更），您的修改尚未保存。请查看变更后再提交。")
                         % {"n": len(self.changes)})


class StaleMeeting(DeliberationError):
    def __init__(self):
        super().__init__(_("您打开页面后，该议事会已被他人修改，您的修改尚未保存。请刷新后再提交。"))


class TooManyObjections(DeliberationError):
    pass


@dataclass
class AttendeeInput:
    role: str
    name: str
    present: bool = True
    user: User | None = None


# ---------------------------------------------------------------- helpers


def _lock(topic: Topic | int, *, actor, action: str, expected_version: int | None) -> Topic:
    topic_id = topic.pk if isinstance(topic, Topic) else topic
    locked = Topic.objects.select_for_update(of=("self",)).select_related("decision").get(pk=topic_id)
    if expected_version is not None and locked.version != expected_version:
        raise StaleTopic(locked, expected_version)
    if not permissions.may(actor, locked, action):
        raise NotAllowed(_("您无权对该议题执行「%(action)s」") % {"action": LABELS[action]})
    if not permissions.state_allows(locked, action):
        allowed = [str(LABELS[a]) for a in permissions.allowed_actions(actor, locked)] if actor else []
        raise NotAllowed(_("议题当前状态为「%(state)s」，不能「%(action)s」；现在可以：%(allowed)s") % {
            "state": State(locked.state).label, "action": LABELS[action], "allowed": "、".join(allowed) or _("无")})
    return locked


def _log(topic: Topic, *, actor, kind: str, from_state: str, reason: str = "", data: dict | None = None,
         fields: tuple[str, ...] = (), bump: bool = True) -> TopicEvent:
    if bump:
        topic.version += 1
        topic.save(update_fields=[*fields, "version", "updated_at"])
    return TopicEvent.objects.create(topic=topic, at=clock.now(), actor=actor if actor and actor.pk else None,
                                     kind=kind, from_state=from_state, to_state=topic.state, version=topic.version,
                                     reason=reason, data=data or {})


def _move(topic: Topic, to_state: str, *, actor, kind: str, reason: str = "", data: dict | None = None,
          fields: tuple[str, ...] = (), evaluate: bool = True) -> Topic:
    from_state = topic.state
    topic.state = to_state
    _log(topic, actor=actor, kind=kind, from_state=from_state, reason=reason, data=data, fields=("state", *fields))
    if evaluate:
        _rules(topic)
    return topic


def _rules(topic: Topic) -> None:
    """Let the rules look at the topic as it is now: the end of publicity, execution reminders and
    overdue notices are rules (gridcase.deliberation.rules)."""
    from gridcase.escalation import engine  # the engine calls back into these services

    engine.evaluate(topic=topic)


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _required(text: str, message: str) -> str:
    if not (text or "").strip():
        raise DeliberationError(message)
    return text.strip()


def topic_url(topic: Topic) -> str:
    return reverse("deliberation:detail", args=[topic.pk])


def _tell(recipients, topic: Topic, kind: str, title: str, body: str = "") -> None:
    notify(recipients=recipients, kind=f"deliberation.{kind}", title=f"{title}：{topic.title}"[:200], body=body,
           url=topic_url(topic))


def leading_group(village_code: str):
    return users_covering(code=village_code, roles=[Role.VILLAGE_CADRE])


def advisers_for(village_code: str):
    return users_covering(code=village_code, roles=[Role.LEGAL_ADVISER])


def supervisors_of(village_code: str):
    return User.objects.filter(is_active=True, supervised_villages__village__code=village_code)


# ---------------------------------------------------------------- collecting and reviewing topics


def topic_propose(*, actor: User, village: Area, title: str, list_item: ListItem, description: str = "",
                  place: str = "", source: str = Source.MEMBER, case: Case | None = None,
                  request: Request | None = None, channel: str = Channel.VISIT, proposer_name: str = "",
                  proposer_phone: str = "", client_id: uuid.UUID | None = None) -> Topic:
    """Put a topic forward (议题征集) for the village's leading group to review.

    A repeat of the same `client_id` (a double submission) returns the topic the first call created.
    """
    if client_id is not None and (existing := Topic.objects.filter(client_id=client_id).first()):
        return existing
    if village.level != Level.VILLAGE or not permissions.can_propose(actor, village.code):
        raise NotAllowed(_("您不能为该村(社区)征集议题"))
    if source == Source.CASE:
        if case is None:
            raise DeliberationError(_("来源为矛盾纠纷案件时，请选择案件"))
        if case.village_code != village.code:
            raise DeliberationError(_("案件 %(number)s 不在该村(社区)") % {"number": case.number})
    elif source == Source.REQUEST:
        if request is None:
            raise DeliberationError(_("来源为民情诉求时，请选择诉求"))
        if request.village_code != village.code:
            raise DeliberationError(_("诉求 %(number)s 不在该村(社区)") % {"number": request.number})
    if source != Source.CASE:
        case = None
    if source != Source.REQUEST:
        request = None
    topic = Topic(
        village=village, village_code=village.code, town_code=village.code[:9], client_id=client_id,
        title=_required(title, _("请填写议题")), description=description.strip(), place=place.strip(),
        list_item=list_item, source=source, case=case, request=request,
        channel=channel, proposer_name=proposer_name.strip(),
        proposer_phone_encrypted=crypto.encrypt(crypto.normalise(proposer_phone)),
        proposer_phone_masked=crypto.mask_phone(proposer_phone) if proposer_phone else "",
        registered_by=actor, registered_at=clock.now(),
    )
    topic.full_clean(exclude=["village", "case", "request", "list_item", "registered_by", "decision", "responsible"])
    try:
        with transaction.atomic():
            topic.save()
            _log(topic, actor=actor, kind="topic.collected", from_state="", bump=False,
                 data={"source": source, "list_item": list_item.code,
                       **({"case": case.number} if case else {}),
                       **({"request": request.number} if request else {})})
            if request is not None:
                # The 小事 now waits on this topic (三事分流 → 援法议事); it is refused unless it is one.
                try:
                    request_services.request_to_deliberation(request=request, actor=actor, topic_id=topic.pk)
                except request_services.RequestError as exc:
                    raise DeliberationError(str(exc)) from None
            _tell(leading_group(village.code), topic, "collected", _("新议题待审议"))
            _rules(topic)
    except IntegrityError:
        if client_id is not None and (existing := Topic.objects.filter(client_id=client_id).first()):
            return existing
        raise
    return topic


@transaction.atomic
def topic_accept(*, topic: Topic | int, actor, note: str = "", expected_version: int | None = None) -> Topic:
    topic = _lock(topic, actor=actor, action="accept", expected_version=expected_version)
    return _move(topic, State.ACCEPTED, actor=actor, kind="topic.accepted", reason=note)


@transaction.atomic
def topic_fast_track(*, topic: Topic | int, actor, reason: str, expected_version: int | None = None) -> Topic:
    """急事急议、特事特议: accepted at once and flagged, to be deliberated without waiting for the monthly meeting."""
    reason = _required(reason, _("请说明急事急议/特事特议的理由"))
    topic = _lock(topic, actor=actor, action="fast_track", expected_version=expected_version)
    topic.fast_track, topic.reason = True, reason
    return _move(topic, State.ACCEPTED, actor=actor, kind="topic.fast_tracked", reason=reason,
                 fields=("fast_track", "reason"))


@transaction.atomic
def topic_reject(*, topic: Topic | int, actor, reason: str, expected_version: int | None = None) -> Topic:
    reason = _required(reason, _("不予采纳必须说明理由"))
    topic = _lock(topic, actor=actor, action="reject", expected_version=expected_version)
    topic.reason = reason
    return _move(topic, State.REJECTED, actor=actor, kind="topic.rejected", reason=reason, fields=("reason",))


# ---------------------------------------------------------------- meetings


def _check_place(village: Area, location: Point | None) -> None:
    if location is None:
        return
    if not Area.objects.filter(pk=village.pk, geom__covers=location).exists():
        raise DeliberationError(_("议事地点不在%(village)s范围内，请在地图上重新选择") % {"village": village.name})


def _set_attendees(meeting: Meeting, attendees: list[AttendeeInput]) -> None:
    rows = [Attendee(meeting=meeting, role=a.role, name=a.name.strip(), present=a.present, user=a.user)
            for a in attendees if a.name.strip()]
    if not rows:
        raise DeliberationError(_("请至少登记一名参加人员"))
    for row in rows:
        row.full_clean(exclude=["meeting", "user"])
    meeting.attendees.all().delete()
    Attendee.objects.bulk_create(rows)


@transaction.atomic
def meeting_create(*, actor, village: Area, held_at: datetime, place: str, attendees: list[AttendeeInput],
                   location: Point | None = None, recorder: str = "") -> Meeting:
    """Convene an 议事会 of the village (its leading group only)."""
    if actor is None or not permissions.is_leading_group(actor, village.code) or village.level != Level.VILLAGE:
        raise NotAllowed(_("只有本村(社区)援法议事领导小组（村干部）可以召集议事会"))
    _check_place(village, location)
    meeting = Meeting.objects.create(village=village, village_code=village.code, town_code=village.code[:9],
                                     held_at=held_at, place=_required(place, _("请填写活动地点")), location=location,
                                     recorder=recorder.strip(), created_by=actor, created_at=clock.now())
    _set_attendees(meeting, attendees)
    return meeting


def _lock_meeting(meeting: Meeting | int, actor, expected_version: int | None) -> Meeting:
    meeting_id = meeting.pk if isinstance(meeting, Meeting) else meeting
    locked = Meeting.objects.select_for_update(of=("self",)).select_related("village").get(pk=meeting_id)
    if actor is None or not permissions.is_leading_group(actor, locked.village_code):
        raise NotAllowed(_("只有本村(社区)援法议事领导小组（村干部）可以修改议事会"))
    if expected_version is not None and locked.version != expected_version:
        raise StaleMeeting()
    return locked


def _bump(meeting: Meeting) -> None:
    meeting.version += 1
    meeting.save(update_fields=["version"])


@transaction.atomic
def meeting_update(*, meeting: Meeting | int, actor, expected_version: int, held_at: datetime, place: str,
                   attendees: list[AttendeeInput], location: Point | None = None, recorder: str = "") -> Meeting:
    """Change the time, place and attendance (出席/缺席) of a meeting."""
    meeting = _lock_meeting(meeting, actor, expected_version)
    _check_place(meeting.village, location)
    if held_at > clock.now() and meeting.agenda.filter(recorded_at__isnull=False).exists():
        raise DeliberationError(_("该议事会已记录议事结果，召开时间不能改到将来"))
    meeting.held_at, meeting.location, meeting.recorder = held_at, location, recorder.strip()
    meeting.place = _required(place, _("请填写活动地点"))
    meeting.save(update_fields=["held_at", "place", "location", "recorder"])
    _set_attendees(meeting, attendees)
    _bump(meeting)
    return meeting


@transaction.atomic
def meeting_add_topic(*, meeting: Meeting | int, actor, topic: Topic | int) -> AgendaItem:
    """Put an accepted topic of the village on the meeting's agenda."""
    meeting = _lock_meeting(meeting, actor, None)
    topic = _lock(topic, actor=actor, action="schedule", expected_version=None)
    if topic.village_code != meeting.village_code:
        raise DeliberationError(_("只能将本村(社区)的议题列入议程"))
    order = meeting.agenda.count() + 1
    item, _created = AgendaItem.objects.get_or_create(meeting=meeting, topic=topic, defaults={"order": order})
    _move(topic, State.SCHEDULED, actor=actor, kind="topic.scheduled",
          data={"meeting": meeting.pk, "held_at": meeting.held_at.isoformat()})
    _bump(meeting)
    return item


@transaction.atomic
def meeting_remove_topic(*, item: AgendaItem, actor) -> Topic:
    meeting = _lock_meeting(item.meeting_id, actor, None)
    topic = _lock(item.topic_id, actor=actor, action="unschedule", expected_version=None)
    if AgendaItem.objects.filter(pk=item.pk, recorded_at__isnull=False).exists():
        raise DeliberationError(_("已记录议事结果的议程不能移出"))
    AgendaItem.objects.filter(pk=item.pk).delete()
    _bump(meeting)
    return _move(topic, State.ACCEPTED, actor=actor, kind="topic.unscheduled", data={"meeting": meeting.pk})


def validate_votes(*, present: int, votes_for: int, votes_against: int, votes_abstain: int) -> None:
    """Nobody votes twice, nobody absent votes: the votes cast are at most the members present."""
    if present <= 0:
        raise DeliberationError(_("请先登记出席人员，再记录表决"))
    if min(votes_for, votes_against, votes_abstain) < 0:
        raise DeliberationError(_("票数不能为负数"))
    cast = votes_for + votes_against + votes_abstain
    if cast > present:
        raise DeliberationError(_("表决票数合计 %(cast)d 超过出席人数 %(present)d") % {"cast": cast, "present": present})


@transaction.atomic
def minutes_record(*, item: AgendaItem | int, actor, discussion: str, decision: str, votes_for: int,
                   votes_against: int, votes_abstain: int, expected_version: int | None = None) -> Topic:
    """Record the meeting's discussion of a topic, its decision (处理意见) and the vote.

    A decision passes with the votes of more than half of those present (过半数).
    """
    item_id = item.pk if isinstance(item, AgendaItem) else item
    item = AgendaItem.objects.select_related("meeting").get(pk=item_id)
    topic = _lock(item.topic_id, actor=actor, action="decide", expected_version=expected_version)
    if item.meeting.held_at > clock.now():
        raise DeliberationError(_("议事会定于 %(when)s 召开，会议召开后才能记录议事结果和表决") % {
            "when": _local(item.meeting.held_at)})
    present = item.meeting.attendees.filter(present=True).count()
    validate_votes(present=present, votes_for=votes_for, votes_against=votes_against, votes_abstain=votes_abstain)
    item.discussion = _required(discussion, _("请填写会议内容（讨论情况）"))
    item.decision = _required(decision, _("请填写处理意见"))
    item.votes_for, item.votes_against, item.votes_abstain = votes_for, votes_against, votes_abstain
    item.present, item.passed, item.recorded_at = present, votes_for * 2 > present, clock.now()
    item.save(update_fields=["discussion", "decision", "votes_for", "votes_against", "votes_abstain", "present",
                             "passed", "recorded_at"])
    topic.decision, topic.decided_at = item, item.recorded_at
    _move(topic, State.DECIDED, actor=actor, kind="topic.decided", reason=item.decision,
          data={"meeting": item.meeting_id, "present": present, "for": votes_for, "against": votes_against,
                "abstain": votes_abstain, "passed": item.passed}, fields=("decision", "decided_at"))
    _tell(advisers_for(topic.village_code), topic, "legal_review", _("议事结果待法律审核"))
    return topic


# ---------------------------------------------------------------- legal review


@transaction.atomic
def legal_review(*, topic: Topic | int, actor, approve: bool, opinion: str,
                 expected_version: int | None = None) -> Topic:
    """The legal adviser's review of the decision, a hard gate before publicity: approved, it is
    publicised for the configured period; otherwise it goes back to the meeting to be decided again."""
    action = "approve" if approve else "require_change"
    opinion = opinion.strip() if approve else _required(opinion, _("要求修改时必须写明法律意见"))
    topic = _lock(topic, actor=actor, action=action, expected_version=expected_version)
    LegalReview.objects.create(topic=topic, item=topic.decision, adviser=actor, opinion=opinion or _("经审查，未发现违法违规内容。"),
                               outcome=LegalReview.Outcome.APPROVED if approve else LegalReview.Outcome.CHANGE,
                               at=clock.now())
    if not approve:
        _move(topic, State.SCHEDULED, actor=actor, kind="topic.change_required", reason=opinion)
        _tell(leading_group(topic.village_code), topic, "change_required", _("法律顾问要求修改议事结果"), opinion)
        return topic
    return _start_publicity(topic, actor=actor, kind="topic.approved", reason=opinion)


def _start_publicity(topic: Topic, *, actor, kind: str, reason: str = "") -> Topic:
    now = clock.now()
    held_at = topic.decision.meeting.held_at if topic.decision_id else None
    if held_at is not None and held_at > now:
        raise DeliberationError(_("议事会定于 %(when)s 召开，尚未召开，不能开始公示") % {"when": _local(held_at)})
    topic.publicity_started_at, topic.publicity_ends_at = now, now + timedelta(days=conf.publicity_days())
    return _move(topic, State.PUBLICITY, actor=actor, kind=kind, reason=reason,
                 data={"publicity_ends_at": topic.publicity_ends_at.isoformat()},
                 fields=("publicity_started_at", "publicity_ends_at"))


# ---------------------------------------------------------------- publicity and objections


def _rate_limited(ip_digest: str, session_digest: str) -> bool:
    since = clock.now() - timedelta(hours=1)
    limit = conf.objections_per_hour()
    recent = Objection.objects.filter(lodged_at__gte=since)
    if recent.filter(ip_digest=ip_digest).count() >= limit:
        return True
    return bool(session_digest) and recent.filter(session_digest=session_digest).count() >= limit


@transaction.atomic
def objection_lodge(*, topic: Topic | int, text: str, name: str = "", contact: str = "", ip: str,
                    session_key: str = "") -> Objection:
    """A resident objects to a publicised decision, with a phone number to be answered on if they
    wish (kept encrypted; the public page never shows it). The topic stops where it is (no automatic
    move on) and goes back to the leading group, who are told at once."""
    text = _required(text, _("请填写异议内容"))
    contact = crypto.normalise(contact)
    ip_digest, session_digest = crypto.blind_index(f"ip:{ip}"), crypto.blind_index(f"session:{session_key}")
    with connection.cursor() as cursor:  # one lodging at a time per address: the count below stays true
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [ip_digest])
    if _rate_limited(ip_digest, session_digest if session_key else ""):
        raise TooManyObjections(_("提交过于频繁，请一小时后再试"))
    topic = _lock(topic, actor=_PUBLIC, action="object", expected_version=None)
    if topic.state == State.PUBLICITY and topic.publicity_ends_at <= clock.now():
        raise NotAllowed(_("公示期已结束"))
    objection = Objection.objects.create(topic=topic, name=name.strip()[:50], text=text, lodged_at=clock.now(),
                                         contact_encrypted=crypto.encrypt(contact),
                                         contact_masked=crypto.mask_phone(contact) if contact else "",
                                         ip_digest=ip_digest, session_digest=session_digest if session_key else "")
    _move(topic, State.OBJECTED, actor=None, kind="topic.objection_lodged", reason=text,
          data={"objection": objection.pk})
    _tell(leading_group(topic.village_code), topic, "objection", _("公示期间群众提出异议"), text)
    return objection


class _Public:
    """Whoever is on the public page: not logged in."""

    pk = None
    is_authenticated = False


_PUBLIC = _Public()


@transaction.atomic
def objection_answer(*, objection: Objection | int, actor, answer: str) -> Objection:
    answer = _required(answer, _("请填写答复内容"))
    objection_id = objection.pk if isinstance(objection, Objection) else objection
    objection = Objection.objects.select_for_update().get(pk=objection_id)
    topic = _lock(objection.topic_id, actor=actor, action="answer", expected_version=None)
    if objection.answered_at is not None:
        raise DeliberationError(_("该异议已答复"))
    objection.answer, objection.answered_by, objection.answered_at = answer, actor, clock.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    _log(topic, actor=actor, kind="topic.objection_answered", from_state=topic.state, reason=answer,
         data={"objection": objection.pk})
    return objection


@transaction.atomic
def topic_resume_publicity(*, topic: Topic | int, actor, note: str = "", expected_version: int | None = None) -> Topic:
    """Every objection answered and the decision upheld: publicised again for a full period."""
    topic = _lock(topic, actor=actor, action="resume_publicity", expected_version=expected_version)
    if topic.objections.filter(answered_at__isnull=True).exists():
        raise DeliberationError(_("尚有未答复的异议，请先逐条答复"))
    return _start_publicity(topic, actor=actor, kind="topic.publicity_resumed", reason=note)


@transaction.atomic
def topic_redeliberate(*, topic: Topic | int, actor, reason: str, expected_version: int | None = None) -> Topic:
    """The objection stands: the topic goes back to be put on a meeting's agenda again."""
    reason = _required(reason, _("请说明重新议事的理由"))
    topic = _lock(topic, actor=actor, action="redeliberate", expected_version=expected_version)
    topic.publicity_ends_at = None
    return _move(topic, State.ACCEPTED, actor=actor, kind="topic.redeliberation", reason=reason,
                 fields=("publicity_ends_at",))


@transaction.atomic
def publicity_end(*, topic_id: int, rule=None, evaluate: bool = True) -> Topic | None:
    """The publicity period is over with no open objection: a passed decision is carried out, a
    rejected one is closed. Done by a rule (the seeded 公示期满 rule, through the rules engine, which
    passes `rule` and holds the lock already); returns None when there is nothing to do (another
    worker did it, an objection came in, the period is not over)."""
    topic = (Topic.objects.select_for_update(skip_locked=True, of=("self",)).select_related("decision")
             .filter(pk=topic_id, state=State.PUBLICITY, publicity_ends_at__lte=clock.now()).first())
    if topic is None:
        return None
    data = {"rule": rule.pk} if rule is not None else {}
    if topic.passed:
        _move(topic, State.EXECUTING, actor=None, kind="topic.publicity_ended", data=data,
              reason=_("公示期满无异议，进入执行"), evaluate=evaluate)
        if topic.responsible_id:
            _tell([topic.responsible], topic, "execute", _("议定事项请落实执行"))
    else:
        _move(topic, State.CLOSED, actor=None, kind="topic.publicity_ended", data=data,
              reason=_("公示期满；议事会未通过，不予执行"), evaluate=evaluate)
    return topic


# ---------------------------------------------------------------- execution and supervision


@transaction.atomic
def topic_assign(*, topic: Topic | int, actor, responsible: User | None, responsible_name: str, deadline: date,
                 expected_version: int | None = None) -> Topic:
    """Name the person who carries the decision out (明确专人负责) and the deadline."""
    name = responsible_name.strip() or (str(responsible) if responsible else "")
    _required(name, _("请指定责任人"))
    if deadline is None:
        raise DeliberationError(_("请填写完成期限"))
    topic = _lock(topic, actor=actor, action="assign", expected_version=expected_version)
    if responsible is not None and not permissions.covers_village(responsible, topic.village_code):
        raise DeliberationError(_("%(who)s 不在本村(社区)") % {"who": responsible})
    topic.responsible, topic.responsible_name, topic.execution_deadline = responsible, name, deadline
    _log(topic, actor=actor, kind="topic.assigned", from_state=topic.state,
         data={"responsible": name, "deadline": deadline.isoformat()},
         fields=("responsible", "responsible_name", "execution_deadline"))
    _rules(topic)  # a new deadline: its own reminder and overdue notice
    if responsible is not None:
        _tell([responsible], topic, "assigned", _("您被指定为议定事项责任人"), _("完成期限：%s") % deadline.isoformat())
    return topic


def _photo(upload) -> uploads.Accepted:
    """Checked and cleaned by gridcase.lib.uploads: type from its bytes, new name, EXIF and GPS removed."""
    try:
        return uploads.accept(upload, allowed=set(conf.PHOTO_TYPES), max_bytes=conf.photo_max_bytes())
    except uploads.UploadRefused as exc:
        raise DeliberationError(str(exc)) from None


@transaction.atomic
def progress_add(*, topic: Topic | int, actor, note: str, photos=()) -> Progress:
    """A progress update with photos; the type of each photo is read from its first bytes. Every
    photo is checked before any is stored, so a refused one leaves no file behind."""
    note = _required(note, _("请填写进展情况"))
    checked = [_photo(upload) for upload in photos]
    topic = _lock(topic, actor=actor, action="progress", expected_version=None)
    progress = Progress.objects.create(topic=topic, note=note, at=clock.now(), by=actor)
    for photo in checked:
        ProgressPhoto.objects.create(progress=progress, file=photo.file, original_name=photo.original_name,
                                     content_type=photo.content_type, size=photo.size)
    _log(topic, actor=actor, kind="topic.progress", from_state=topic.state, reason=note,
         data={"progress": progress.pk, "photos": len(checked)}, bump=False)
    return progress


@transaction.atomic
def completion_report(*, topic: Topic | int, actor, note: str, expected_version: int | None = None) -> Topic:
    note = _required(note, _("请说明完成情况"))
    topic = _lock(topic, actor=actor, action="report_completion", expected_version=expected_version)
    _move(topic, State.COMPLETION_REPORTED, actor=actor, kind="topic.completion_reported", reason=note)
    _tell(supervisors_of(topic.village_code), topic, "completion_reported", _("议定事项报告完成，请监督确认"), note)
    return topic


@transaction.atomic
def completion_confirm(*, topic: Topic | int, actor, note: str = "", expected_version: int | None = None) -> Topic:
    """The oversight group confirms the work is done: the completion is published."""
    topic = _lock(topic, actor=actor, action="confirm_completion", expected_version=expected_version)
    topic.completed_at = clock.now()
    return _move(topic, State.COMPLETED, actor=actor, kind="topic.completion_confirmed", reason=note,
                 fields=("completed_at",))


@transaction.atomic
def completion_reject(*, topic: Topic | int, actor, reason: str, expected_version: int | None = None) -> Topic:
    reason = _required(reason, _("请说明未完成之处"))
    topic = _lock(topic, actor=actor, action="reject_completion", expected_version=expected_version)
    _move(topic, State.EXECUTING, actor=actor, kind="topic.completion_rejected", reason=reason)
    recipients = list(leading_group(topic.village_code)) + ([topic.responsible] if topic.responsible else [])
    _tell(recipients, topic, "completion_rejected", _("监督小组退回：议定事项未完成"), reason)
    return topic


# ---------------------------------------------------------------- changes made by the rules engine


def rule_notice(*, topic: Topic, rule) -> tuple[str, str]:
    """What a rule that only tells people says about the topic: (kind, text). About execution, timed
    before the deadline it is a reminder, at or after it an overdue notice with the days overdue."""
    if topic.state == State.EXECUTING and topic.execution_deadline and rule.deadline_offset is not None:
        deadline = topic.execution_deadline
        if rule.deadline_offset >= 0:
            days = (clock.today() - deadline).days
            return "execution_overdue", _("已超过完成期限 %(days)d 天（期限 %(deadline)s）") % {"days": days,
                                                                                          "deadline": deadline}
        return "execution_reminded", _("完成期限 %(deadline)s，请按期完成") % {"deadline": deadline}
    return "rule_warning", rule.reason


def topic_note_rule(*, topic: Topic, rule) -> TopicEvent:
    """A rule that only tells people leaves its notice on the timeline (the topic is unchanged).
    Called by the rules engine, which holds the topic's lock."""
    kind, text = rule_notice(topic=topic, rule=rule)
    return _log(topic, actor=None, kind=f"topic.{kind}", from_state=topic.state, reason=text, data={"rule": rule.pk},
                bump=False)


# ---------------------------------------------------------------- satisfaction


@transaction.atomic
def survey_record(*, topic: Topic | int, actor, respondent: str, rating: str, note: str = "") -> SurveyResponse:
    """One resident's or representative's satisfaction with the outcome (满意/基本满意/不满意)."""
    topic = _lock(topic, actor=actor, action="survey", expected_version=None)
    response = SurveyResponse(topic=topic, respondent=respondent, rating=rating, note=note.strip(), at=clock.now(),
                              recorded_by=actor)
    try:
        response.full_clean(exclude=["topic", "recorded_by"])
    except ValidationError:
        raise DeliberationError(_("请选择受访人类型与满意度")) from None
    response.save()
    _log(topic, actor=actor, kind="topic.surveyed", from_state=topic.state, data={"rating": rating,
                                                                                  "respondent": respondent}, bump=False)
    return response


def supervisor_add(*, village: Area, user: User) -> Supervisor:
    supervisor, _created = Supervisor.objects.get_or_create(village=village, user=user)
    return supervisor

