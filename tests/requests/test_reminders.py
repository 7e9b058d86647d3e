"""Deadline reminders and overdue notices: each once per deadline, to whoever must act."""

from datetime import timedelta

import pytest

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


@pytest.mark.django_db
def test_a_reminder_before_the_deadline_and_a_notice_after_it_each_once(major, users):
    leader = users["leader"]
    with clock.travel(major.deadline - timedelta(days=10)):
        assert services.requests_remind() == (0, 0)
    with clock.travel(major.deadline - timedelta(hours=2)):
        assert services.requests_remind() == (1, 0)
        assert services.requests_remind() == (0, 0)
    assert notices(leader, "request.reminded") == 1
    with clock.travel(major.deadline + timedelta(minutes=1)):
        assert services.requests_remind() == (0, 1)
        assert services.requests_remind() == (0, 0)
    assert notices(leader, "request.overdue") == 1 and notices(users["cadre"], "request.overdue") == 0
    assert list(major.events.filter(kind__in=["request.reminded", "request.overdue"]).values_list("kind", flat=True)) == [
        "request.reminded", "request.overdue"]
    major.refresh_from_db()
    assert major.version == 2  # notices do not make anybody's open form stale


@pytest.mark.django_db
def test_a_replied_request_is_not_chased_and_a_reopened_one_is_chased_again(major, users):
    services.request_reply(request=major, actor=users["leader"], reply="已维修")
    with clock.travel(major.deadline + timedelta(days=1)):
        assert services.requests_remind() == (0, 0)
        reopened = services.request_reopen(request=major, actor=users["cadre"], feedback="没修好")
    with clock.travel(reopened.deadline + timedelta(minutes=1)):
        assert services.requests_remind() == (0, 1)


@pytest.mark.django_db
def test_overdue_requests_are_listed_as_overdue(major, users, login):
    with clock.travel(add_working_days(major.deadline, 1)):
        html = login("leader").get("/requests/", {"overdue": "on"}).content.decode()
    assert major.number in html


def test_the_beat_task_sends_the_overdue_notice_through_the_worker(committed_requests, celery_worker, make_request,
                                                                   infrastructure):
    from gridcase.accounts.models import User
    from gridcase.requests.tasks import remind_deadlines

    cadre = User.objects.get(username="cadre")
    request = services.request_triage(request=make_request(), actor=cadre, kind=Kind.MAJOR, office=infrastructure)
    Request.objects.filter(pk=request.pk).update(deadline=clock.now() - timedelta(hours=1))

    assert remind_deadlines.delay().get(timeout=30) == {"reminded": 0, "overdue": 1}
    assert remind_deadlines.delay().get(timeout=30) == {"reminded": 0, "overdue": 0}
    assert Notification.objects.filter(kind="request.overdue", recipient__username="leader").count() == 1
