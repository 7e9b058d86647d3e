import math
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from gridcase.accounts.models import User
from gridcase.requests import services
from gridcase.requests.models import Office, RequestCategory


def today():
    return timezone.localdate()


def days_ago(n: int):
    return today() - timedelta(days=n)


def offset(point: Point, *, north: float = 0, east: float = 0) -> Point:
    """A point `north` and `east` metres from `point`."""
    lat = point.y + north / 111_320
    lon = point.x + east / (111_320 * math.cos(math.radians(point.y)))
    return Point(lon, lat, srid=4326)


@pytest.fixture
def category():
    return RequestCategory.objects.get(code="road")


@pytest.fixture
def infrastructure():
    return Office.objects.get(code="infrastructure", town=None)


@pytest.fixture
def make_request(category):
    """A request registered by `username` (default: the grid worker of 古河村, in their first grid)."""

    def make(username="worker", located=True, **fields):
        actor = User.objects.get(username=username)
        fields.setdefault("matter", "村口路灯坏了三天，晚上走路看不见")
        fields.setdefault("category", category)
        fields.setdefault("received_on", today())
        fields.setdefault("reporter", services.Reporter(name="张建国", contact="13812345678"))
        if located and "location" not in fields:
            grid = actor.grids.order_by("code").first() if actor.role == "grid_worker" else None
            area = grid or actor.area.children.order_by("code").first()
            fields["location"] = area.geom.point_on_surface
        if not located:
            fields.setdefault("village", actor.area if actor.area.level == "village" else None)
        return services.request_register(actor=actor, **fields)

    return make


@pytest.fixture
def committed_requests(django_db_blocker):
    """Real commits (for the worker and the browser); the requests they make are truncated after."""
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "use `committed_requests` without the django_db mark"
        yield
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE requests_requestevent, requests_request, requests_requestnumbercounter,"
                           " notifications_notification, escalation_rulefiring RESTART IDENTITY CASCADE")
