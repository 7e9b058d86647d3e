import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from gridcase.notifications.models import Delivery, Notification
from gridcase.notifications.services import notify
from tests.notifications.conftest import LOGGING

pytestmark = pytest.mark.django_db


def test_each_person_gets_one_notification_and_one_delivery_per_channel(
        users, channels, queued, django_capture_on_commit_callbacks):
    paths = channels(LOGGING, "RecordingChannel")
    mediator, leader = users["mediator"], users["leader"]

    with django_capture_on_commit_callbacks(execute=True):
        made = notify(recipients=[mediator, leader, mediator], kind="case.escalated", title="纠纷已上报至镇",
                      body="古河村宅基地纠纷", url="/cases/12/")

    assert sorted(n.recipient.username for n in made) == ["leader", "mediator"]
    assert Notification.objects.filter(kind="case.escalated", read_at=None).count() == 2
    deliveries = Delivery.objects.filter(notification__in=made)
    assert sorted((d.notification.recipient.username, d.channel) for d in deliveries) == sorted(
        (name, path) for name in ("leader", "mediator") for path in paths)
    assert {d.status for d in deliveries} == {Delivery.Status.PENDING} and {d.attempts for d in deliveries} == {0}
    assert sorted(queued) == sorted(d.pk for d in deliveries)


def test_the_default_channel_is_the_log(users, settings, queued, django_capture_on_commit_callbacks):
    del settings.NOTIFICATION_CHANNELS

    with django_capture_on_commit_callbacks(execute=True):
        [made] = notify(recipients=[users["cadre"]], kind="case.assigned", title="新的纠纷待受理")

    assert list(made.deliveries.values_list("channel", flat=True)) == [LOGGING]


def test_nothing_is_queued_when_the_transaction_rolls_back(users, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify(recipients=[users["leader"]], kind="case.escalated", title="纠纷已上报至镇")
            raise RuntimeError("the case change failed after notifying")

    assert callbacks == [] and queued == []
    assert not Notification.objects.filter(kind="case.escalated").exists() and not Delivery.objects.exists()


def test_deliveries_are_queued_only_once_the_transaction_commits(users, queued, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        [made] = notify(recipients=[users["leader"]], kind="case.escalated", title="纠纷已上报至镇")
        assert queued == []

    for callback in callbacks:
        callback()
    assert queued == [made.deliveries.get().pk]


@pytest.mark.parametrize(("field", "value"), [("url", "https://evil.example/"), ("url", "//evil.example/"),
                                               ("url", "cases/12/"), ("kind", "escalated"), ("kind", "Case Escalated")])
def test_a_link_off_the_site_or_an_undotted_kind_is_refused(users, queued, field, value):
    fields = {"kind": "case.escalated", "title": "纠纷已上报至镇", "url": "/cases/12/", field: value}

    with pytest.raises(ValidationError) as error:
        notify(recipients=[users["leader"]], **fields)

    assert field in error.value.message_dict
    assert not Notification.objects.exists() and queued == []


@pytest.mark.parametrize("path", ["gridcase.notifications.channels.NoSuchChannel", "gridcase.lib.clock.now"])
def test_a_misconfigured_channel_stops_notify_before_anything_is_written(users, channels, queued, path):
    channels(path)

    with pytest.raises(ImproperlyConfigured, match=path):
        notify(recipients=[users["leader"]], kind="case.escalated", title="纠纷已上报至镇")

    assert not Notification.objects.exists()


def test_nobody_to_tell_is_nothing_to_do(queued, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert notify(recipients=[], kind="case.escalated", title="纠纷已上报至镇") == []
