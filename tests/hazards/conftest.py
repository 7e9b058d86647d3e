from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridcase.accounts.models import User
from gridcase.hazards import services
from gridcase.hazards.models import HazardCategory
from gridcase.lib import clock
from tests.images import PNG

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def photo(name="现场.png", content=PNG):
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fire():
    return HazardCategory.objects.get(name="消防")


@pytest.fixture
def make_hazard(fire):
    """A hazard reported by a grid worker in one of their grids (default: `worker`, 古河村)."""

    def make(username="worker", **fields):
        actor = User.objects.get(username=username)
        grid = actor.grids.order_by("code").first() if actor.role == "grid_worker" else None
        fields.setdefault("title", "沿街商铺楼道堆放杂物堵塞消防通道")
        fields.setdefault("category", fire)
        fields.setdefault("location", grid.geom.point_on_surface if grid else None)
        return services.hazard_report(actor=actor, **fields)

    return make


@pytest.fixture
def rectifying(make_hazard, users):
    """A hazard verified by the village cadre and ordered rectified by Friday 6 Nov 2026 (reported Monday 2 Nov)."""

    def make(**fields):
        with clock.travel(at(2026, 11, 2, 9, 0)):
            hazard = make_hazard(**fields)
            services.hazard_verify(hazard=hazard, actor=users["cadre"])
            return services.hazard_order_rectification(
                hazard=hazard, actor=users["cadre"], deadline=services.end_of_day(at(2026, 11, 6).date()),
                responsible_kind="unit", responsible_name="古河村便民超市", responsible_contact="0527-8888000")

    return make


@pytest.fixture
def hazards_committed(committed, django_db_blocker):
    """Real commits (for the live server); the hazards they create are truncated after."""
    from django.db import connection

    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE hazards_hazard, hazards_hazardnumbercounter, hazards_inspectionplan, escalation_rulefiring"
                       " RESTART IDENTITY CASCADE")
