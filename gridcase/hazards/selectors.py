"""Reads of hazards and inspection tasks, always scoped to the user's jurisdiction."""


from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridcase.accounts.jurisdiction import scope, within_code_columns
from gridcase.hazards.models import OPEN_STATES, ExtensionRequest, Hazard, HazardEvent, InspectionTask, State
from gridcase.hazards.permissions import supervising_level
from gridcase.hazards.services import end_of_day
from gridcase.hazards.workflow import TODO
from gridcase.lib import clock
from gridcase.lib.todo import Task, Tasks, soonest_first


def hazards_visible_to(*, user) -> QuerySet[Hazard]:
    return Hazard.objects.filter(within_code_columns(user))


def hazard_list(*, user, state: str = "", category=None, severity: int | None = None, overdue: bool = False,
                q: str = "") -> QuerySet[Hazard]:
    """The hazard list, filtered; newest first."""
    hazards = hazards_visible_to(user=user).select_related("category", "grid").defer("grid__geom")
    if state:
        hazards = hazards.filter(state=state)
    if category is not None:
        hazards = hazards.filter(category=category)
    if severity:
        hazards = hazards.filter(severity=severity)
    if overdue:
        hazards = hazards.filter(state=State.RECTIFYING, deadline__lt=clock.now())
    if q := q.strip():
        hazards = hazards.filter(Q(number=q.upper()) | Q(title__contains=q) | Q(responsible_name__startswith=q))
    return hazards.order_by("-reported_at", "-id")


def timeline(*, hazard: Hazard) -> QuerySet[HazardEvent]:
    return hazard.events.select_related("actor").order_by("at", "id")


def pending_extension(*, hazard: Hazard) -> ExtensionRequest | None:
    return hazard.extensions.filter(decision=ExtensionRequest.Decision.PENDING).select_related("requested_by").first()


POINT_CAP = 2000


def hazard_points(*, user, bbox, open_only: bool = True) -> dict:
    """The hazards in a map view as GeoJSON points (at most POINT_CAP, most severe first)."""
    hazards = hazards_visible_to(user=user).filter(location__bboverlaps=bbox)
    if open_only:
        hazards = hazards.filter(state__in=OPEN_STATES)
    total = hazards.count()
    now = clock.now()
    rows = (hazards.order_by("-severity", "-reported_at")
            .values_list("pk", "number", "title", "state", "severity", "level", "deadline", "location")[:POINT_CAP])
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [location.x, location.y]},
                 "properties": {"id": pk, "number": number, "title": title, "state": state, "severity": severity,
                                "level": level, "url": reverse("hazards:detail", args=[pk]),
                                "overdue": bool(state == State.RECTIFYING and deadline and deadline < now)}}
                for pk, number, title, state, severity, level, deadline, location in rows]
    return {"type": "FeatureCollection", "total": total, "truncated": total > len(features), "features": features}


def tasks_for(user, *, limit: int = 20) -> Tasks:
    """What this user should do next about hazards: the hazards waiting on their role (to verify,
    to order, to follow, to check), pending extension requests for approvers, and their own open
    inspection tasks. Soonest deadline first, those without one last."""
    now = clock.now()
    tasks: list[Task] = []
    total = 0
    todo = TODO.get(user.role, {})
    if todo:
        hazards = hazards_visible_to(user=user).filter(state__in=list(todo))
        if (level := supervising_level(user)) is not None:
            hazards = hazards.filter(level=level)
        total += hazards.count()
        for h in hazards.order_by(F("deadline").asc(nulls_last=True), "reported_at")[:limit]:
            overdue = h.state == State.RECTIFYING and h.deadline is not None and h.deadline < now
            tasks.append(Task(h.title, str(todo[h.state]), h.deadline if h.state == State.RECTIFYING else None,
                              reverse("hazards:detail", args=[h.pk]), overdue))
    if user.role in ("town_leader", "county_admin"):
        pending = scope(ExtensionRequest.objects.filter(decision=ExtensionRequest.Decision.PENDING), user,
                        "hazard__area_code").select_related("hazard")
        total += pending.count()
        pending = pending[:limit]
        tasks += [Task(p.hazard.title, _("待审核延期申请"), p.hazard.deadline, reverse("hazards:detail", args=[p.hazard_id]),
                       bool(p.hazard.deadline and p.hazard.deadline < now)) for p in pending]
    today = timezone.localdate(now)
    inspections = InspectionTask.objects.filter(assignee=user, done_at__isnull=True).select_related("plan")
    total += inspections.count()
    inspections = inspections.order_by("due_on")[:limit]
    tasks += [Task(t.plan.title, _("定期巡查"), end_of_day(t.due_on), reverse("hazards:inspection", args=[t.pk]),
                   t.due_on < today) for t in inspections]
    return Tasks(soonest_first(tasks)[:limit], total=total)


def inspection_tasks_visible_to(*, user) -> QuerySet[InspectionTask]:
    return scope(InspectionTask.objects.select_related("plan", "assignee"), user, "area_code")


def last_notes(*, hazard_ids) -> dict[int, str]:
    """{hazard id: the reason or note of its latest event that has one}: one query for a page of hazards."""
    rows = (HazardEvent.objects.filter(hazard_id__in=hazard_ids).exclude(reason="")
            .order_by("hazard_id", "-at", "-id").distinct("hazard_id").values_list("hazard_id", "reason"))
    return dict(rows)
