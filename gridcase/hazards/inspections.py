"""Periodic inspections of recurring hazards: plans, and one task per plan and period.

The beat task (tasks.create_inspection_tasks) calls `create_due_tasks` every hour; the unique
(plan, period_start) constraint makes a second run, or two workers at once, create nothing more.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.selectors import LocationError, locate_for_user
from gridcase.accounts.jurisdiction import covers_code
from gridcase.accounts.models import Role
from gridcase.hazards.models import Hazard, InspectionPlan, InspectionTask, Interval
from gridcase.hazards.permissions import can_supervise
from gridcase.hazards.services import HazardError, NotAllowed
from gridcase.lib import clock


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # the last day, which is the task's deadline


def period_of(interval: str, day: date) -> Period:
    """The week (Monday–Sunday), month or quarter containing `day`."""
    if interval == Interval.WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6))
    months = 3 if interval == Interval.QUARTERLY else 1
    start = date(day.year, (day.month - 1) // months * months + 1, 1)
    following = date(start.year + (start.month + months - 1) // 12, (start.month + months - 1) % 12 + 1, 1)
    return Period(start, following - timedelta(days=1))


def plan_create(*, actor, title: str, location: Point, interval: str, assignee, starts_on: date,
                hazard: Hazard | None = None) -> InspectionPlan:
    """A recurring inspection at a point of the actor's jurisdiction, by a grid worker of that grid."""
    if actor.role not in (Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN):
        raise NotAllowed(_("只有村干部、镇领导和区县管理员可以制定巡查计划"))
    if hazard is not None and not can_supervise(actor, hazard):
        raise NotAllowed(_("您无权为该隐患制定巡查计划"))
    try:
        where = locate_for_user(user=actor, point=location)
    except LocationError as exc:
        raise HazardError(str(exc)) from None
    if assignee.role != Role.GRID_WORKER or not covers_code(assignee, where.grid.code):
        raise HazardError(_("%(who)s 不是该位置所在网格（%(grid)s）的网格员") % {"who": assignee, "grid": where.grid.name})
    if interval not in Interval.values:
        raise HazardError(_("请选择巡查周期"))
    return InspectionPlan.objects.create(title=title.strip(), hazard=hazard, location=location,
                                         area_code=where.grid.code, interval=interval, assignee=assignee,
                                         starts_on=starts_on, created_by=actor)


def create_due_tasks(*, today: date | None = None) -> int:
    """Create this period's task for every active plan that has none yet; returns how many were created."""
    today = today or timezone.localdate(clock.now())
    now = clock.now()
    tasks = []
    for plan in InspectionPlan.objects.filter(active=True, starts_on__lte=today).exclude(
            hazard__state__in=["closed", "rejected"]).only("id", "interval", "assignee_id", "area_code"):
        period = period_of(plan.interval, today)
        tasks.append(InspectionTask(plan=plan, period_start=period.start, due_on=period.end, assignee_id=plan.assignee_id,
                                    area_code=plan.area_code, created_at=now))
    InspectionTask.objects.bulk_create(tasks, ignore_conflicts=True)
    # ON CONFLICT DO NOTHING does not say which rows went in; those that did carry this call's `now`.
    return InspectionTask.objects.filter(created_at=now).count()


@transaction.atomic
def task_complete(*, task: InspectionTask, actor, note: str) -> InspectionTask:
    """The assignee (or a supervisor of the place) records the inspection."""
    task = InspectionTask.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise HazardError(_("该巡查任务已完成"))
    if actor.pk != task.assignee_id and actor.role not in (Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN):
        raise NotAllowed(_("只有负责的网格员或其上级可以完成该巡查任务"))
    if not note.strip():
        raise HazardError(_("请填写巡查情况"))
    task.done_at, task.done_by, task.note = clock.now(), actor, note.strip()
    task.save(update_fields=["done_at", "done_by", "note"])
    return task
