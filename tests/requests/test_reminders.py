"""Deadline reminders and overdue notices (seeded rules of the rules engine): each once per
deadline, to whoever must act."""

from datetime import timedelta

import pytest

from gridcase.escalation import engine
from gridcase.lib import clock
from gridcase.notifications.models import Notification
from gridcase.requests import services
from gridcase.requests.models import Kind, Request
from gridcase.workdays.selectors import add_working_days


@pytest.fixture
def major(make_request, users, infrastructure):
    request = make_request()
    return services.request_triage(request=request, actor=users["cadre"], kind=Kind.MAJOR, office=infrastructure)


def notices(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind).count()


def sweep() -> tuple[int, int]:
    """What one rules sweep now sends about requests: (reminders, overdue notices)."""
    before = Notification.objects.filter(kind="request.reminded").count(), Notification.objects.filter(
        kind="request.overdue").count()
    engine.sweep()
    after = Notification.objects.filter(kind="request.reminded").count(), Notification.objects.filter(
        kind="request.overdue").count()
    return after[0] - before[0], after[1] - before[1]


@pytest.mark.django_db
def test_a_reminder_before_the_deadline_and_a_notice_after_it_each_once(major, users):
    leader = users["leader"]
    with clock.travel(major.deadline - timedelta(days=10)):
        assert sweep() == (0, 0)
    with clock.travel(major.deadline - timedelta(hours=2)):
        assert sweep() == (1, 0)
        assert sweep() == (0, 0)
    assert notices(leader, "request.reminded") == 1
    with clock.travel(major.deadline + timedelta(minutes=1)):
        assert sweep() == (0, 1)
        assert sweep() == (0, 0)
    assert notices(leader, "request.overdue") == 1 and notices(users["cadre"], "request.overdue") == 0
    assert list(major.events.filter(kind__in=["request.reminded", "request.overdue"]).values_list("kind", flat=True)) == [
        "request.reminded", "request.overdue"]
    major.refresh_from_db()
    assert major.version == 2  # notices do not make anybody's open form stale


@pytest.mark.django_db
def test_a_replied_request_is_not_chased_and_a_reopened_one_is_chased_again(major, users):
    services.request_reply(request=major, actor=users["leader"], reply="已维修")
    with clock.travel(major.deadline + timedelta(days=1)):
        assert sweep() == (0, 0)
        reopened = services.request_reopen(request=major, actor=users["cadre"], feedback="没修好")
    with clock.travel(reopened.deadline + timedelta(minutes=1)):
        assert sweep() == (0, 1)


@pytest.mark.django_db
def test_overdue_requests_are_listed_as_overdue(major, users, login):
    with clock.travel(add_working_days(major.deadline, 1)):
        html = login("leader").get("/requests/", {"overdue": "on"}).content.decode()
    assert major.number in html


def test_the_escalation_sweep_sends_the_overdue_notice_through_the_worker(committed_requests, celery_worker,
                                                                          make_request, infrastructure):
    from gridcase.accounts.models import User
    from gridcase.escalation.tasks import sweep as sweep_task

    cadre = User.objects.get(username="cadre")
    request = services.request_triage(request=make_request(), actor=cadre, kind=Kind.MAJOR, office=infrastructure)
    an_hour_ago = clock.now() - timedelta(hours=1)
    Request.objects.filter(pk=request.pk).update(deadline=an_hour_ago, next_check_at=an_hour_ago)

    sweep_task.delay().get(timeout=30)
    sweep_task.delay().get(timeout=30)
    assert Notification.objects.filter(kind="request.overdue", recipient__username="leader").count() == 1
    assert Notification.objects.filter(kind="request.reminded").count() == 0  # its deadline had passed
