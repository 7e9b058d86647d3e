from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from gridcase.lib import clock
from gridcase.requests import demo, selectors
from gridcase.requests.models import Request, RequestEvent, State

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_the_demo_has_requests_in_every_state_made_through_the_services(users):
    made = demo.build(per_village=10, today=TODAY, under=users["leader"].area.code)

    requests = Request.objects.all()
    assert requests.count() == made and made > 30
    states = Counter(requests.values_list("state", flat=True))
    assert set(states) == set(State.values), states
    assert RequestEvent.objects.filter(kind="request.registered").count() == made
    assert requests.filter(reporters_count__gt=1).exists()
    with clock.travel(TODAY):
        assert requests.filter(state__in=["handling"], deadline__lt=TODAY).exists()  # some overdue
        assert selectors.merge_proposals(user=users["admin"])  # unmerged repeats remain to be proposed
    assert not requests.filter(registered_at__gt=TODAY).exists()
