from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point

from gridcase.cases import services
from gridcase.lib import clock

pytestmark = pytest.mark.django_db


def shifted(point, metres_east: float) -> Point:
    import math

    return Point(point.x + metres_east / (111_320 * math.cos(math.radians(point.y))), point.y, srid=4326)


@pytest.fixture
def spot(users):
    return users["worker"].grids.order_by("code").first().geom.point_on_surface


def nearby(client, point, **params):
    response = client.get("/api/cases/nearby/", {"lon": point.x, "lat": point.y, **params})
    return response.status_code, response.json()


def test_open_cases_within_100_metres_and_30_days_are_offered_nearest_first(login, make_case, spot, neighbours):
    near = make_case(location=shifted(spot, 40), title="40米外")
    nearer = make_case(location=shifted(spot, 10), title="10米外")
    make_case(location=shifted(spot, 300), title="300米外")
    with clock.travel(clock.now() - timedelta(days=45)):
        make_case(location=spot, title="45天前")

    status, offered = nearby(login("worker"), spot, category=neighbours.pk)

    assert status == 200
    assert [o["title"] for o in offered] == ["10米外", "40米外"]
    assert 5 <= offered[0]["metres"] <= 15 and offered[1]["id"] == near.pk and offered[0]["id"] == nearer.pk


def test_only_open_cases_of_the_same_kind_in_my_jurisdiction(login, make_case, spot, users, neighbours):
    from gridcase.cases.models import Category

    closed = make_case(location=shifted(spot, 5), title="已不予受理")
    services.case_decline(case=closed, actor=users["cadre"], reason="重复")
    make_case(location=shifted(spot, 5), title="婚姻家庭", category=Category.objects.get(code="01"))

    assert nearby(login("worker"), spot, category=neighbours.pk)[1] == []
    assert [o["title"] for o in nearby(login("worker"), spot)[1]] == ["婚姻家庭"]
    assert nearby(login("worker2"), spot)[1] == []  # not their jurisdiction


def test_nonsense_coordinates_are_a_400(login):
    response = login("worker").get("/api/cases/nearby/", {"lon": "x", "lat": "33"})
    assert response.status_code == 400


def test_a_worker_attaches_a_repeat_report_to_the_open_case(make_case, users):
    case = make_case()

    event = services.case_add_report(case=case, actor=users["worker"], note="今天又有邻居来反映排水沟堵塞")

    assert event.kind == "case.reported_again" and event.actor == users["worker"]
    case.refresh_from_db()
    assert case.version == 1  # nobody's open form goes stale for it
    with pytest.raises(services.NotAllowed):
        services.case_add_report(case=case, actor=users["worker2"], note="外镇网格员")


def test_the_report_page_adds_to_the_case(login, make_case):
    case = make_case()
    response = login("worker").post(f"/cases/{case.pk}/report/", {"version": case.version, "note": "村民再次反映"})

    assert response.status_code == 302
    assert case.events.get(kind="case.reported_again").reason == "村民再次反映"
