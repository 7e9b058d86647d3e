"""Periodic inspections: the beat task creates one task per plan and period, shown in the worker's task list."""

from datetime import date

import pytest

from gridcase.escalation import engine
from gridcase.hazards import inspections, selectors, services
from gridcase.hazards.models import InspectionTask, Interval
from gridcase.hazards.tasks import create_inspection_tasks
from gridcase.lib import clock
from tests.hazards.conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def monthly_plan(make_hazard, users):
    hazard = make_hazard(title="危房：古河村老粮站")
    return inspections.plan_create(actor=users["cadre"], title="危房每月巡查", location=hazard.location,
                                   interval=Interval.MONTHLY, assignee=users["worker"], starts_on=date(2026, 10, 1),
                                   hazard=hazard)


def test_one_task_per_period_however_often_the_beat_runs(monthly_plan):
    with clock.travel(at(2026, 11, 3, 8, 0)):
        assert create_inspection_tasks() == 1
    with clock.travel(at(2026, 11, 20, 8, 0)):
        assert create_inspection_tasks() == 0
        assert create_inspection_tasks() == 0
    task = InspectionTask.objects.get()
    assert (task.period_start, task.due_on, task.assignee_id) == (date(2026, 11, 1), date(2026, 11, 30),
                                                                  monthly_plan.assignee_id)

    with clock.travel(at(2026, 12, 1, 0, 30)):
        assert create_inspection_tasks() == 1
    assert list(InspectionTask.objects.values_list("period_start", flat=True)) == [date(2026, 11, 1), date(2026, 12, 1)]


@pytest.mark.parametrize(("interval", "day", "period"), [
    (Interval.WEEKLY, date(2026, 11, 5), (date(2026, 11, 2), date(2026, 11, 8))),
    (Interval.MONTHLY, date(2026, 2, 14), (date(2026, 2, 1), date(2026, 2, 28))),
    (Interval.QUARTERLY, date(2026, 11, 5), (date(2026, 10, 1), date(2026, 12, 31))),
])
def test_periods(interval, day, period):
    assert tuple(vars(inspections.period_of(interval, day)).values()) == period


def test_the_task_appears_in_the_workers_task_list_until_done(monthly_plan, users, login):
    with clock.travel(at(2026, 11, 3, 8, 0)):
        inspections.create_due_tasks()
        task = InspectionTask.objects.get()
        listed = selectors.tasks_for(users["worker"])
        assert [(t.title, t.url, t.overdue) for t in listed if t.url.startswith("/hazards/inspections/")] == [
            ("危房每月巡查", f"/hazards/inspections/{task.pk}/", False)]
        assert "危房每月巡查" in login("worker").get("/").content.decode()
    with clock.travel(at(2026, 12, 2, 8, 0)):
        assert [t.overdue for t in selectors.tasks_for(users["worker"]) if "inspections" in t.url] == [True]
        page = login("worker").post(f"/hazards/inspections/{task.pk}/", {"note": "墙体裂缝无明显扩大"})
        assert page.status_code == 302
        assert not [t for t in selectors.tasks_for(users["worker"]) if t.url == f"/hazards/inspections/{task.pk}/"]
    task.refresh_from_db()
    assert task.done_by == users["worker"] and task.note == "墙体裂缝无明显扩大"


def test_no_task_for_a_closed_hazard_or_an_inactive_plan(monthly_plan, users):
    monthly_plan.active = False
    monthly_plan.save(update_fields=["active"])
    with clock.travel(at(2026, 11, 3, 8, 0)):
        assert inspections.create_due_tasks() == 0
    monthly_plan.active = True
    monthly_plan.save(update_fields=["active"])
    services.hazard_reject(hazard=monthly_plan.hazard, actor=users["cadre"], reason="已拆除")
    with clock.travel(at(2026, 11, 3, 8, 0)):
        assert inspections.create_due_tasks() == 0


def test_a_plan_is_for_a_worker_of_that_grid(make_hazard, users):
    hazard = make_hazard()
    with pytest.raises(services.HazardError, match="不是该位置所在网格"):
        inspections.plan_create(actor=users["cadre"], title="巡查", location=hazard.location, interval=Interval.WEEKLY,
                                assignee=users["worker2"], starts_on=date(2026, 11, 1), hazard=hazard)
    with pytest.raises(services.NotAllowed):
        inspections.plan_create(actor=users["worker"], title="巡查", location=hazard.location, interval=Interval.WEEKLY,
                                assignee=users["worker"], starts_on=date(2026, 11, 1), hazard=hazard)


def test_an_outsider_cannot_open_the_task(monthly_plan, login):
    with clock.travel(at(2026, 11, 3, 8, 0)):
        inspections.create_due_tasks()
    task = InspectionTask.objects.get()
    for outsider in ("worker2", "cadre2"):
        client = login(outsider)
        assert client.get(f"/hazards/inspections/{task.pk}/").status_code == 404
        assert client.post(f"/hazards/inspections/{task.pk}/", {"note": "x"}).status_code == 404
        assert f"/hazards/inspections/{task.pk}/" not in client.get("/hazards/inspections/").content.decode()


def test_the_plan_page_creates_the_plan_and_this_periods_task(login, make_hazard, users):
    hazard = make_hazard()
    page = login("cadre").post(f"/hazards/{hazard.pk}/plan/", {"title": "每周检查消防通道", "interval": "weekly",
                                                              "assignee": users["worker"].pk, "starts_on": "2020-01-01"})
    assert page.status_code == 302
    assert InspectionTask.objects.filter(plan__hazard=hazard, assignee=users["worker"]).count() == 1


def test_each_role_is_asked_for_its_own_next_step(rectifying, make_hazard, users):
    make_hazard(title="待核实的隐患")
    hazard = rectifying(title="整改中的隐患")
    with clock.travel(at(2026, 11, 3, 9, 0)):
        services.hazard_request_extension(hazard=hazard, actor=users["worker"], reason="等材料",
                                          new_deadline=services.end_of_day(date(2026, 11, 30)))

        def asked(who):
            return {(t.title, t.what) for t in selectors.tasks_for(users[who])}

        assert ("待核实的隐患", "待核实") in asked("cadre")
        assert ("整改中的隐患", "跟进整改") in asked("worker")
        assert ("整改中的隐患", "待审核延期申请") in asked("leader")
        assert not asked("cadre2") and not asked("leader2")


def test_supervisors_are_asked_about_hazards_of_their_own_level(rectifying, users):
    hazard = rectifying(title="超期的隐患")
    with clock.travel(at(2026, 11, 9, 9, 0)):  # overdue: the rules hand it to the town
        engine.sweep()
        assert ("超期的隐患", "督办整改") in {(t.title, t.what) for t in selectors.tasks_for(users["leader"])}
        assert "超期的隐患" not in {t.title for t in selectors.tasks_for(users["cadre"])}
    hazard.refresh_from_db()
    assert hazard.level == "town"
