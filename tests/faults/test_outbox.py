"""The outbox's own rules, against the real database and the test's Redis."""

import pytest
from django.db import transaction

from gridcase.front.tasks import ping
from gridcase.lib.tasks import enqueue_on_commit
from gridcase.outbox import services
from gridcase.outbox.models import Message


@pytest.mark.django_db
def test_work_rolled_back_asks_for_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(ping)
        assert Message.objects.count() == 1
        raise RuntimeError("the form was invalid after all")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_committed_work_reaches_the_broker_and_leaves_the_outbox(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(ping)
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_the_relay_sends_what_waits_and_only_what_is_due():
    from gridcase.lib import clock

    due = Message.objects.create(task=ping.name)
    later = Message.objects.create(task=ping.name, next_attempt_at=clock.now().replace(year=2099))
    assert services.relay() == 1
    assert list(Message.objects.all()) == [later]
    assert not Message.objects.filter(pk=due.pk).exists()
