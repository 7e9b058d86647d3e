"""Batches from the phone: each fix stored once whatever the order or repetition, the line in time
order, absurd fixes dropped and counted."""

import random
from datetime import timedelta

import pytest
from django.contrib.gis.geos import LineString

from gridcase.patrols import services
from gridcase.patrols.models import TrackPoint

from .conftest import grid_start, offset, walk

pytestmark = pytest.mark.django_db


def ingest(patrol, points, username="worker"):
    return services.track_ingest(patrol=patrol, actor=patrol.workers.get(username=username), points=points)


def test_shuffled_and_duplicated_batches_store_each_fix_once_in_time_order(start_patrol):
    patrol = start_patrol()
    points = walk(grid_start(patrol), patrol.started_at + timedelta(minutes=1), n=60)
    batches = [points[i:i + 10] for i in range(0, 60, 10)]
    rng = random.Random(7)
    sent = batches + rng.sample(batches, 3)  # three batches resent
    rng.shuffle(sent)
    for batch in sent:
        ingest(patrol, rng.sample(batch, len(batch)))  # and each shuffled inside
    patrol.refresh_from_db()

    assert TrackPoint.objects.filter(patrol=patrol).count() == 60
    assert patrol.points_kept == 60 and patrol.points_dropped == 0
    assert patrol.track.coords == LineString([(p["lon"], p["lat"]) for p in points]).coords
    # 59 steps of 14 m; geography length on the spheroid vs. the flat offsets above: within 1 %.
    assert patrol.distance_m == pytest.approx(59 * 14, rel=0.01)
    assert patrol.duration_s == 590


def test_the_answer_counts_stored_duplicates_and_invalid(start_patrol):
    patrol = start_patrol()
    points = walk(grid_start(patrol), patrol.started_at + timedelta(minutes=1), n=10)

    first = ingest(patrol, points[:6])
    again = ingest(patrol, points[3:] + [{"t": "yesterday", "lon": 1, "lat": 2}, {"lon": 500, "lat": 1, "t": 0}])

    assert (first.stored, first.duplicates, first.dropped, first.invalid) == (6, 0, 0, 0)
    assert (again.received, again.stored, again.duplicates, again.invalid) == (9, 4, 3, 2)
    assert [e["index"] for e in again.errors] == [7, 8]
    assert again.kept_total == 10


def test_a_batch_sent_twice_within_itself_is_stored_once(start_patrol):
    patrol = start_patrol()
    points = walk(grid_start(patrol), patrol.started_at + timedelta(minutes=1), n=5)

    result = ingest(patrol, points + points)

    assert (result.stored, result.duplicates) == (5, 5)


def test_fixes_with_poor_accuracy_or_absurd_speed_are_dropped_and_counted(start_patrol):
    patrol = start_patrol()
    at = patrol.started_at + timedelta(minutes=1)
    points = walk(grid_start(patrol), at, n=20)
    points[5]["acc"] = 250  # a cell-tower fix
    jump = offset(points[12]["lon"], points[12]["lat"], north_m=800)  # 800 m in 10 s: 80 m/s
    points[12] = {**points[12], "lon": jump[0], "lat": jump[1]}

    result = ingest(patrol, points)
    patrol.refresh_from_db()

    assert (result.stored, result.dropped, result.dropped_for) == (20, 2, {"accuracy": 1, "speed": 1})
    assert patrol.points_kept == 18 and patrol.points_dropped == 2
    assert set(TrackPoint.objects.filter(patrol=patrol, dropped=True).values_list("drop_reason", flat=True)) == {
        "accuracy", "speed"}
    assert len(patrol.track.coords) == 18
    assert patrol.distance_m == pytest.approx(19 * 14, rel=0.01)  # the line skips the two, not the walk


def test_a_late_batch_landing_before_a_jump_redecides_what_follows(start_patrol):
    """A fix that looked like a jump from the last kept fix may be fine once the fixes between arrive."""
    patrol = start_patrol()
    at = patrol.started_at + timedelta(minutes=1)
    fast = walk(grid_start(patrol), at, n=30, every_s=10, speed=10.0)  # 10 m/s: an e-bike, allowed
    early, middle, late = fast[:5], fast[5:25], fast[25:]

    ingest(patrol, early)
    first_late = ingest(patrol, late)  # 200 m in 10 s after the gap? no: 210 m in 210 s. Kept.
    ingest(patrol, middle)
    patrol.refresh_from_db()

    assert first_late.dropped == 0
    assert patrol.points_kept == 30 and patrol.points_dropped == 0
    assert patrol.track.coords[0] == pytest.approx((fast[0]["lon"], fast[0]["lat"]))


def test_a_late_fix_in_the_middle_redecides_the_fixes_after_it(start_patrol, settings):
    settings.PATROL_MAX_SPEED_MPS = 5.0
    patrol = start_patrol()
    at = patrol.started_at + timedelta(minutes=1)
    origin = grid_start(patrol)

    def fix(seconds, east_m):
        lon, lat = offset(*origin, east_m=east_m)
        return {"t": (at + timedelta(seconds=seconds)).isoformat(), "lon": lon, "lat": lat, "acc": 5}

    # 90 m in 20 s (4.5 m/s) from the first fix: kept.
    assert ingest(patrol, [fix(0, 0), fix(20, 90)]).dropped == 0
    # The fix between arrives late: 10 m in 10 s, fine; but from it to the 90 m fix is 80 m in 10 s.
    late = ingest(patrol, [fix(10, 10)])
    patrol.refresh_from_db()

    assert (late.stored, late.dropped, late.revised) == (1, 0, 1)
    assert patrol.points_kept == 2 and patrol.points_dropped == 1
    assert TrackPoint.objects.get(patrol=patrol, dropped=True).recorded_at == at + timedelta(seconds=20)


def test_only_the_patrols_workers_upload_and_only_while_it_runs(start_patrol, users, now):
    patrol = start_patrol()
    points = walk(grid_start(patrol), patrol.started_at + timedelta(minutes=1), n=3)

    with pytest.raises(services.NotAllowed):
        services.track_ingest(patrol=patrol, actor=users["cadre"], points=points)
    services.patrol_cancel(patrol=patrol, actor=users["worker"], reason="下雨")
    with pytest.raises(services.PatrolError, match="已取消"):
        ingest(patrol, points)


def test_a_late_batch_after_finishing_is_accepted_up_to_the_end(start_patrol, users, now):
    patrol = start_patrol(minutes_ago=30)
    before = walk(grid_start(patrol), patrol.started_at + timedelta(minutes=1), n=3)
    services.patrol_finish(patrol=patrol, actor=users["worker"])
    after_end = walk(grid_start(patrol), now + timedelta(minutes=2), n=1)

    result = ingest(patrol, before + after_end)

    assert (result.stored, result.invalid) == (3, 1)
