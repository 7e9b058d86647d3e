"""The hazard measure on the dashboards, on hand-made hazards."""

from datetime import date

import pytest

from gridcase.dashboards.measures import registry
from gridcase.dashboards.periods import Period
from gridcase.hazards import services
from gridcase.hazards.measures import hazard_rectified_on_time
from gridcase.lib import clock
from tests.conftest import GUHE
from tests.hazards.conftest import at, photo

pytestmark = pytest.mark.django_db
NOVEMBER = Period("month", date(2026, 11, 1), date(2026, 12, 1))


def close(hazard, users, when):
    with clock.travel(when):
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo("after.png")])
        services.hazard_close(hazard=hazard, actor=users["cadre"])


def test_on_time_means_closed_by_the_deadline(rectifying, users):
    on_time, late, still_open = rectifying(), rectifying(), rectifying()  # all due Friday 6 Nov
    close(on_time, users, at(2026, 11, 5, 16, 0))
    close(late, users, at(2026, 11, 9, 10, 0))

    figure = hazard_rectified_on_time(GUHE, NOVEMBER, None)
    assert (figure.num, figure.den, figure.value) == (1, 3, pytest.approx(100 / 3))
    assert hazard_rectified_on_time(GUHE, Period("month", date(2026, 10, 1), date(2026, 11, 1)), None).den == 0
    assert still_open.state == "rectifying"


def test_the_monthly_path_gives_the_same_figures(rectifying, users):
    """What the dashboard page reads (one grouped query for all its periods) agrees with the definition."""
    on_time, late, _ = rectifying(), rectifying(), rectifying()
    close(on_time, users, at(2026, 11, 5, 16, 0))
    close(late, users, at(2026, 11, 9, 10, 0))
    periods = [NOVEMBER, Period("month", date(2026, 10, 1), date(2026, 11, 1)),
               Period("quarter", date(2026, 10, 1), date(2027, 1, 1))]
    figures = registry.series(["hazard_on_time"], code=GUHE, periods=periods)["hazard_on_time"]
    assert [(f.num, f.den) for f in figures] == [(1, 3), (0, 0), (1, 3)]
    assert [(f.num, f.den) for f in figures] == [
        (f.num, f.den) for f in (hazard_rectified_on_time(GUHE, p, None) for p in periods)]
