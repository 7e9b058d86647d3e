"""A town leader sends the nearest available worker of the town; arrival comes from the track."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import Point

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from gridcase.lib import clock
from gridcase.notifications.models import Notification
from gridcase.patrols import services
from gridcase.patrols.models import Dispatch, DispatchStatus

from .conftest import offset, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(users):
    grid = users["worker"].grids.order_by("code").first()
    p = grid.geom.point_on_surface
    return Point(p.x, p.y, srid=4326)


def colleague(name: str, town: str = "321302112") -> User:
    """Another grid worker, in another village of the town (or of another town)."""
    village = Area.objects.filter(level=Level.VILLAGE, code__startswith=town).exclude(
        code="321302112210").order_by("code").first()
    user = User.objects.create(username=name, first_name=name, role=Role.GRID_WORKER, area=village)
    user.grids.set(village.children.order_by("code")[:1])
    return user


def on_patrol_at(worker, where: Point, *, now, minutes_ago: int = 5, metres_east: float = 0):
    """`worker` on a patrol, whose last kept fix (minutes_ago) is metres_east of `where`."""
    with clock.travel(now - timedelta(minutes=minutes_ago + 10)):
        patrol = services.patrol_create(actor=worker, grid=worker.grids.first())
    lon, lat = offset(where.x, where.y, east_m=metres_east)
    last = now - timedelta(minutes=minutes_ago)
    points = walk((lon, lat), last - timedelta(seconds=20), n=3, speed=0.0)  # standing
    with clock.travel(last):
        services.track_ingest(patrol=patrol, actor=worker, points=points)
    return patrol


def test_the_nearest_available_worker_of_the_town_is_sent(users, incident, now):
    near, far = colleague("近处网格员"), colleague("远处网格员")
    on_patrol_at(near, incident, now=now, metres_east=800)
    on_patrol_at(far, incident, now=now, metres_east=3000)
    on_patrol_at(users["worker"], incident, now=now, metres_east=1500)

    dispatch = services.dispatch_create(actor=users["leader"], location=incident, note="邻里争吵需到场")

    assert dispatch.worker == near
    assert dispatch.distance_m == pytest.approx(800, rel=0.01)
    assert dispatch.target_s == 600
    assert Notification.objects.filter(recipient=near, kind="patrol.dispatched").exists()
    # The next incident goes to the next nearest: the first is busy now.
    second = services.dispatch_create(actor=users["leader"], location=incident, note="第二起")
    assert second.worker == users["worker"]


def test_workers_of_another_town_and_stale_positions_are_not_candidates(users, incident, now):
    outsider = colleague("外镇网格员", town="321302101")  # 耿车镇, though standing next to the incident
    stale = colleague("失联网格员")
    on_patrol_at(outsider, incident, now=now, metres_east=10)
    on_patrol_at(stale, incident, now=now, metres_east=20, minutes_ago=150)  # last fix 2.5 h ago
    on_patrol_at(users["worker"], incident, now=now, metres_east=4000)

    candidates = services.available_workers(actor=users["leader"], location=incident)

    assert [c.worker for c in candidates] == [users["worker"]]
    assert services.dispatch_create(actor=users["leader"], location=incident, note="到场").worker == users["worker"]


def test_with_nobody_available_the_leader_is_told_why(users, incident, now):
    with pytest.raises(services.PatrolError, match="没有可派遣的网格员"):
        services.dispatch_create(actor=users["leader"], location=incident, note="到场")


def test_only_leaders_dispatch_and_only_inside_their_town(users, incident, now):
    on_patrol_at(users["worker"], incident, now=now, metres_east=100)
    with pytest.raises(services.NotAllowed):
        services.dispatch_create(actor=users["cadre"], location=incident, note="到场")
    with pytest.raises(services.PatrolError, match="不在您的辖区内"):
        services.dispatch_create(actor=users["leader2"], location=incident, note="到场")


@pytest.mark.parametrize("metres, minutes, on_time", [(4_000, 9, True), (4_000, 11, False), (7_000, 19, True),
                                                      (7_000, 21, False)])
def test_arrival_is_the_first_fix_within_50_m_and_sets_the_response_time(users, incident, now, metres, minutes,
                                                                          on_time):
    patrol = on_patrol_at(users["worker"], incident, now=now, metres_east=metres, minutes_ago=1)
    dispatch = services.dispatch_create(actor=users["leader"], location=incident, note="到场")
    # On the way: a fix 300 m off, then 40 m off at `minutes` after the dispatch, then on the spot.
    fixes = []
    for after, east in ((minutes - 2, 300), (minutes, 40), (minutes + 1, 0)):
        lon, lat = offset(incident.x, incident.y, east_m=east)
        fixes.append({"t": (now + timedelta(minutes=after)).isoformat(), "lon": lon, "lat": lat, "acc": 5})
    with clock.travel(now + timedelta(minutes=minutes + 2)):
        services.track_ingest(patrol=patrol, actor=users["worker"], points=fixes[:1])
        dispatch.refresh_from_db()
        assert dispatch.status == DispatchStatus.DISPATCHED  # 300 m is not there yet
        result = services.track_ingest(patrol=patrol, actor=users["worker"], points=fixes[1:])
    dispatch.refresh_from_db()

    assert result.arrivals == [dispatch.pk]
    assert dispatch.status == DispatchStatus.ARRIVED
    assert dispatch.arrived_at == now + timedelta(minutes=minutes)
    assert dispatch.response_s == minutes * 60
    assert dispatch.compliant is on_time


def test_a_fix_near_the_incident_before_the_dispatch_is_not_an_arrival(users, incident, now):
    patrol = on_patrol_at(users["worker"], incident, now=now, metres_east=30, minutes_ago=1)
    dispatch = services.dispatch_create(actor=users["leader"], location=incident, note="到场")
    lon, lat = offset(incident.x, incident.y, east_m=20)
    with clock.travel(now + timedelta(minutes=3)):
        services.track_ingest(patrol=patrol, actor=users["worker"], points=[
            {"t": (now - timedelta(seconds=30)).isoformat(), "lon": lon, "lat": lat}])
    dispatch.refresh_from_db()

    assert dispatch.status == DispatchStatus.DISPATCHED and Dispatch.objects.count() == 1


@pytest.mark.parametrize("metres, seconds", [(0, 600), (5_000, 600), (5_001, 1_200), (10_000, 1_200),
                                             (10_001, 1_320), (12_500, 1_560)])
def test_the_time_allowed_grows_with_the_distance(metres, seconds):
    assert services.target_seconds(metres) == seconds
