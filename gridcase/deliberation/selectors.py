"""Reads for deliberation: the scoped lists, the timeline, and the public page's personal-data-free view."""

import re
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import jurisdiction_codes
from gridcase.accounts.models import Role, User
from gridcase.deliberation import conf
from gridcase.deliberation.models import PUBLIC_STATES, AgendaItem, Channel, Meeting, Source, State, Topic, TopicEvent
from gridcase.deliberation.permissions import meetings_visible_to, topics_visible_to, waiting_on
from gridcase.lib import clock, crypto
from gridcase.lib.todo import Task, Tasks, soonest_first
from gridcase.requests.selectors import requests_visible_to
from gridcase.requests.services import request_to_topic_payload
from gridcase.workdays.selectors import add_working_days


def topic_list(*, user, q: str = "", state: str = "", list_item=None, village: str = "", fast_track: bool = False,
               overdue: bool = False) -> QuerySet[Topic]:
    topics = topics_visible_to(user=user).select_related("village", "list_item").defer("village__geom")
    if state:
        topics = topics.filter(state=state)
    if list_item is not None:
        topics = topics.filter(list_item=list_item)
    if village:
        topics = topics.filter(village_code__startswith=village)
    if fast_track:
        topics = topics.filter(fast_track=True)
    if overdue:
        topics = topics.filter(state=State.EXECUTING, execution_deadline__lt=clock.today())
    if q := q.strip():
        topics = topics.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return topics.order_by("-fast_track", "-registered_at", "-id")


def state_counts(*, user) -> dict[str, int]:
    rows = topics_visible_to(user=user).values("state").annotate(n=Count("*")).order_by()
    return {row["state"]: row["n"] for row in rows}


def timeline(*, topic: Topic) -> QuerySet[TopicEvent]:
    return topic.events.select_related("actor").order_by("at", "id")


def review_queue(*, user) -> QuerySet[Topic]:
    """Decisions waiting for this legal adviser's review, oldest first."""
    if user.role != Role.LEGAL_ADVISER:
        return Topic.objects.none()
    return (topics_visible_to(user=user).filter(state=State.DECIDED)
            .select_related("village", "list_item", "decision__meeting").defer("village__geom")
            .order_by("decided_at", "id"))


def tasks_for(user, *, limit: int = 20) -> Tasks:
    """The topics waiting on this user (permissions.waiting_on) as the home page's tasks. A decision
    waits for legal review `conf.legal_review_working_days()` working days from the meeting; a
    decision being carried out is due at the end of its deadline's day."""
    now = clock.now()
    topics = topics_visible_to(user=user).filter(waiting_on(user))
    rows = topics.order_by(F("decided_at").asc(nulls_last=True), F("execution_deadline").asc(nulls_last=True),
                           "registered_at", "id").values_list("pk", "title", "state", "decided_at",
                                                              "execution_deadline")[:limit]
    labels = dict(State.choices)
    tasks = []
    for pk, title, state, decided_at, execution_deadline in rows:
        due = None
        if state == State.DECIDED and decided_at:
            due = add_working_days(decided_at, conf.legal_review_working_days())
        elif state in (State.EXECUTING, State.COMPLETION_REPORTED) and execution_deadline:
            due = datetime.combine(execution_deadline + timedelta(days=1), time(), tzinfo=timezone.get_default_timezone())
        tasks.append(Task(title=title, what=str(labels[state]), deadline=due, url=reverse("deliberation:detail", args=[pk]),
                          overdue=due is not None and due < now))
    return Tasks(soonest_first(tasks), total=topics.count() if len(tasks) == limit else len(tasks))


def meeting_list(*, user) -> QuerySet[Meeting]:
    return (meetings_visible_to(user=user).select_related("village").defer("village__geom")
            .annotate(topics=Count("agenda")).order_by("-held_at", "-id"))


def schedulable_topics(*, meeting: Meeting) -> QuerySet[Topic]:
    return Topic.objects.filter(village_code=meeting.village_code, state=State.ACCEPTED).order_by("-fast_track",
                                                                                                    "registered_at")


def villages_for(*, user) -> QuerySet[Area]:
    """The villages the user may put topics forward for, or convene meetings of."""
    codes = jurisdiction_codes(user)
    villages = Area.objects.filter(level=Level.VILLAGE).defer("geom").order_by("code")
    if "" in codes:
        return villages
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(code__startswith=code[:12])
    return villages.filter(q)


def people_of_village(*, village_code: str) -> QuerySet[User]:
    """Users who may be named responsible for a decision of the village."""
    from gridcase.accounts.selectors import users_covering

    covering = users_covering(code=village_code, roles=Role.values).values("pk")
    return (User.objects.filter(Q(pk__in=covering) | Q(supervised_villages__village__code=village_code),
                                is_active=True).distinct().order_by("username"))


# ---------------------------------------------------------------- the public page


_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_ID_NUMBER = re.compile(r"(?<![\dXx])(\d{4})\d{10}(\d{3}[\dXx])(?![\dXx])")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3}-?)\d{7,8}(?!\d)")


def redact(text: str, names: list[str]) -> str:
    """Mask mobile, landline and ID numbers and the given names in free text shown to the public
    (what the members typed may mention a resident; the page must not)."""
    text = _ID_NUMBER.sub(r"\1**********\2", text or "")
    text = _PHONE.sub(r"\1****\2", text)
    text = _LANDLINE.sub(r"\1********", text)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, name[0] + "某" * (len(name) - 1))
    return text


def _names_around(topic: Topic) -> list[str]:
    names = [topic.proposer_name, topic.responsible_name]
    if topic.responsible_id:
        names += [topic.responsible.get_full_name(), topic.responsible.username]
    if topic.case_id:
        names += list(topic.case.parties.values_list("name", flat=True))
    names += list(topic.objections.values_list("name", flat=True))
    if topic.decision_id:
        names += list(topic.decision.meeting.attendees.values_list("name", flat=True))
    return names


def public_topics(*, village: Area) -> list[dict]:
    """What the village's public board shows: topics under publicity and the published results.
    Only these fields leave the database, each free text redacted: no proposer, party, objector,
    attendee or responsible person, no phone or ID number."""
    topics = (Topic.objects.filter(village_code=village.code, state__in=PUBLIC_STATES)
              .select_related("list_item", "decision__meeting", "case", "responsible")
              .order_by("-publicity_started_at", "-id"))
    now = clock.now()
    board = []
    for topic in topics:
        names = _names_around(topic)
        item: AgendaItem = topic.decision
        board.append({
            "id": topic.pk, "title": redact(topic.title, names), "list_item": topic.list_item.name,
            "state": topic.state, "state_label": State(topic.state).label,
            "description": redact(topic.description, names),
            "meeting_date": item.meeting.held_at if item else None,
            "decision": redact(item.decision, names) if item else "",
            "votes": (item.present, item.votes_for, item.votes_against, item.votes_abstain) if item else None,
            "passed": bool(item and item.passed),
            "publicity_started_at": topic.publicity_started_at, "publicity_ends_at": topic.publicity_ends_at,
            "open_for_objection": topic.state in (State.PUBLICITY, State.OBJECTED)
            and (topic.state == State.OBJECTED or topic.publicity_ends_at > now),
            "execution_deadline": topic.execution_deadline, "completed_at": topic.completed_at,
            "progress": [redact(p.note, names) for p in topic.progress.all()] if topic.state != State.PUBLICITY else [],
            "answers": [redact(o.answer, names) for o in topic.objections.exclude(answer="")],
        })
    return board


def public_village(*, code: str) -> Area | None:
    return Area.objects.filter(level=Level.VILLAGE, code=code).select_related("parent").defer("geom", "parent__geom").first()


# How a request came in → the 咨询方式 of the 问题登记簿.
REQUEST_CHANNELS = {"walk": Channel.VISIT, "visit": Channel.WALK_IN, "phone": Channel.PHONE, "hotline": Channel.PHONE,
                    "wechat": Channel.WECHAT}


def proposal_from_request(*, user, number: str) -> dict:
    """The topic form filled in from the request numbered `number` in the user's jurisdiction (三事分流
    → 援法议事), without the reporter's personal data; {} when there is no such request."""
    request = requests_visible_to(user=user).filter(number=number.strip()).select_related("category").first()
    if request is None:
        return {}
    payload = request_to_topic_payload(request)
    village = villages_for(user=user).filter(code=payload["village_code"]).first()
    return {"source": Source.REQUEST, "request_number": payload["number"], "title": payload["title"],
            "description": payload["description"], "channel": REQUEST_CHANNELS.get(payload["channel"], Channel.VISIT),
            **({"village": village} if village else {})}


def objections_of(*, topic: Topic, in_full: bool) -> list:
    """The topic's objections, each with `contact`: the phone in full for the leading group, who
    answer the resident (`in_full`), masked for everyone else."""
    objections = list(topic.objections.select_related("answered_by"))
    for objection in objections:
        objection.contact = crypto.decrypt(objection.contact_encrypted) if in_full else objection.contact_masked
    return objections
