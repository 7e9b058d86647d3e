"""Request satisfaction on the dashboards, on hand-made requests."""

from datetime import date

import pytest

from gridcase.dashboards.measures import registry
from gridcase.dashboards.periods import Period
from gridcase.lib import clock
from gridcase.requests import services
from gridcase.requests.measures import request_satisfaction
from gridcase.requests.models import RequestCategory
from tests.conftest import GUHE, TUYUAN

pytestmark = pytest.mark.django_db


def closed_with(users, satisfaction):
    cadre = users["cadre"]
    item = services.request_register(actor=cadre, matter="村道坑洼", category=RequestCategory.objects.first(),
                                     village=cadre.area, received_on=clock.today())
    services.request_triage(request=item, actor=cadre, kind="minor")
    services.request_reply(request=item, actor=cadre, reply="已安排修补")
    return services.request_close(request=item, actor=cadre, satisfaction=satisfaction)


def test_satisfied_and_fairly_satisfied_over_those_closed_with_an_answer(users):
    for rating in ("satisfied", "fairly", "dissatisfied", "satisfied"):
        closed_with(users, rating)
    today = clock.today()
    this_month = Period("month", today.replace(day=1), date(today.year + today.month // 12, today.month % 12 + 1, 1))

    figure = request_satisfaction(GUHE, this_month, None)
    assert (figure.num, figure.den, figure.value) == (3, 4, 75.0)
    assert request_satisfaction(TUYUAN, this_month, None).den == 4  # the town sums its villages
    assert request_satisfaction(users["cadre2"].area.code, this_month, None).den == 0
    previous = this_month.previous()
    monthly = registry.series(["request_satisfaction"], code=TUYUAN, periods=[this_month, previous])
    assert [(f.num, f.den) for f in monthly["request_satisfaction"]] == [(3, 4), (0, 0)]  # the dashboard's path
