"""The rollup is correct by construction: history that arrives for a month of any age marks it dirty
in the same transaction, a dirty month is computed live, and the beat's refresh rebuilds just it."""

from datetime import date, datetime

import pytest
from django.db import connection
from django.utils import timezone

from gridcase.dashboards import rollup, tasks
from gridcase.dashboards.measures import cases as case_measures
from gridcase.dashboards.measures import registry
from gridcase.dashboards.measures.registry import Filters
from gridcase.dashboards.models import DirtyMonth
from gridcase.dashboards.periods import Period
from gridcase.lib import clock
from tests.conftest import TUYUAN
from tests.dashboards import scenario
from tests.dashboards.test_measures import EXPECTED, OCTOBER

pytestmark = pytest.mark.django_db
KEYS = list(EXPECTED)
LATER = timezone.make_aware(datetime(2027, 6, 15, 9))  # October 2026 is eight months old by then


def figures(period=OCTOBER):
    return {key: (f.num, f.den) for key, f in registry.figures(KEYS, code=TUYUAN, period=period).items()}


def dirty() -> list[date]:
    return sorted(DirtyMonth.objects.values_list("month", flat=True))


def test_history_arriving_for_an_old_month_is_counted_before_and_after_the_beat_refresh(make_case):
    rollup.refresh()  # the rollup was built before the history arrived
    scenario.build(make_case)
    assert date(2026, 10, 1) in dirty()
    assert not rollup.can_answer(code=TUYUAN, periods=[OCTOBER], filters=Filters(), child_length=None)
    assert figures() == EXPECTED  # live, not the stale zeros

    with clock.travel(LATER):
        tasks.refresh_rollup()
    assert dirty() == []
    assert rollup.can_answer(code=TUYUAN, periods=[OCTOBER], filters=Filters(), child_length=None)
    assert figures() == EXPECTED  # now from the rollup
    year = Period("year", date(2026, 1, 1), date(2027, 1, 1))
    assert rollup.can_answer(code=TUYUAN, periods=[year], filters=Filters(), child_length=None)
    from_events = case_measures.live(KEYS, code=TUYUAN, period=year)
    assert figures(year) == {key: (f[""].num, f[""].den) for key, f in from_events.items()}


def test_an_event_dirties_its_month_and_the_four_before_it(make_case):
    rollup.refresh()
    assert dirty() == []
    scenario.register(make_case, scenario.at(11, 20))  # it may be the recurrence of a July settlement
    assert dirty() == [date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]


def test_a_case_moved_to_another_category_dirties_every_month_it_has_events_in(make_case):
    case = scenario.register(make_case, scenario.at(10, 3))
    rollup.refresh()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_case c SET category_id = (SELECT id FROM cases_category WHERE id <> c.category_id LIMIT 1)"
                       " WHERE id = %s", [case.pk])
    assert dirty() == [date(2026, 10, 1)]


def test_the_refresh_does_nothing_when_nothing_is_dirty(make_case):
    scenario.register(make_case, scenario.at(10, 3))
    assert rollup.refresh_dirty() > 0
    refreshed = rollup.last_refresh()
    assert rollup.refresh_dirty() == 0
    assert rollup.last_refresh() == refreshed  # the cache generation stays
