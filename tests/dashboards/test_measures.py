"""Each measure on the hand-made October in 古河村 (tests/dashboards/scenario.py).

    success       ended in Oct: settled A B C H, referred after failing D (E was referred from
                  'accepted': it never went to mediation)                     → 4 / 5 = 80 %
    village       settled in Oct at the village A B H, at the town C          → 3 / 4 = 75 %
    local         all four at village or town                                  → 4 / 4 = 100 %
    on time       handled in Oct: A B C H settled, D E referred; H was late    → 5 / 6
    satisfaction  follow-ups in Oct: A satisfied, B dissatisfied, C fairly, G satisfied → 3 / 4
    recurrence    of A B C H: A reopened 2 Nov, B's follow-up found it back   → 2 (of 4)
    criminal      E (risk of violence, to the police)                          → 1
    volume        registered in Oct: A B C D E F                               → 6
"""

from datetime import date

import pytest

from gridcase.dashboards import rollup
from gridcase.dashboards.measures import cases as case_measures
from gridcase.dashboards.measures import registry
from gridcase.dashboards.measures.registry import Filters
from gridcase.dashboards.periods import month_of
from tests.conftest import GENGCHE, GUHE, TUYUAN
from tests.dashboards import scenario

pytestmark = pytest.mark.django_db
OCTOBER = month_of(date(2026, 10, 1))

EXPECTED = {
    "success": (4, 5), "village": (3, 4), "local": (4, 4), "on_time": (5, 6), "satisfaction": (3, 4),
    "recurrence": (2, 4), "criminal": (1, 1), "volume": (6, 6),
}


@pytest.fixture
def october(make_case):
    return scenario.build(make_case)


@pytest.mark.parametrize("code", [GUHE, TUYUAN, TUYUAN[:6]])
def test_each_measure_counts_the_hand_made_month(october, code):
    functions = {
        "success": case_measures.success_rate, "village": case_measures.settled_in_village,
        "local": case_measures.settled_locally, "on_time": case_measures.on_time_rate,
        "satisfaction": case_measures.satisfaction_rate, "recurrence": case_measures.recurrences,
        "criminal": case_measures.civil_to_criminal, "volume": case_measures.registered,
    }
    found = {key: (f.num, f.den) for key, f in ((k, fn(code, OCTOBER)) for k, fn in functions.items())}
    assert found == EXPECTED


def test_values_are_percentages_for_rates_and_counts_otherwise(october):
    assert case_measures.success_rate(GUHE, OCTOBER).value == 80.0
    assert round(case_measures.on_time_rate(GUHE, OCTOBER).value, 1) == 83.3
    assert case_measures.recurrences(GUHE, OCTOBER).value == 2
    assert case_measures.civil_to_criminal(GUHE, OCTOBER).value == 1


def test_another_town_and_another_month_count_nothing_of_it(october):
    assert case_measures.success_rate(GENGCHE, OCTOBER).den == 0
    assert case_measures.success_rate(GENGCHE, OCTOBER).value is None
    september = month_of(date(2026, 9, 1))
    assert (case_measures.success_rate(GUHE, september).num, case_measures.success_rate(GUHE, september).den) == (1, 1)
    assert case_measures.registered(GUHE, september).num == 2  # G and H


def test_filters_narrow_the_cases(october, neighbours):
    assert case_measures.registered(GUHE, OCTOBER, Filters(category=neighbours.pk)).num == 6
    assert case_measures.registered(GUHE, OCTOBER, Filters(source="hotline")).num == 0
    # C and D now sit at the town, E where the rules put it; the level filter is the current level.
    town = case_measures.success_rate(GUHE, OCTOBER, Filters(level="town"))
    assert (town.num, town.den) == (1, 2)


def test_the_rollup_gives_the_same_figures_as_the_event_log(october):
    keys = list(EXPECTED)
    live = registry.figures(keys, code=TUYUAN, period=OCTOBER)
    rollup.refresh()
    assert rollup.can_answer(code=TUYUAN, periods=[OCTOBER], filters=Filters(), child_length=None)
    assert registry.figures(keys, code=TUYUAN, period=OCTOBER) == live
    by_village = registry.children(keys, code=TUYUAN, child_length=12, period=OCTOBER)
    assert {k: (v[GUHE].num, v[GUHE].den) for k, v in by_village.items()} == EXPECTED


def test_the_list_behind_a_figure_is_its_cases(october, login):
    client = login("leader")
    response = client.get("/cases/", {"grid": TUYUAN, "basis": "success.num", "start": "2026-10-01",
                                      "end": "2026-11-01"})
    titles = {case.title for case in response.context["page"].object_list}
    assert titles == {"案件A", "案件B", "案件C", "案件H"}
    response = client.get("/cases/", {"grid": TUYUAN, "basis": "success.den", "start": "2026-10-01",
                                      "end": "2026-11-01"})
    assert {c.title for c in response.context["page"].object_list} == {"案件A", "案件B", "案件C", "案件D", "案件H"}


def test_rag_colours_follow_the_documented_rule():
    success = registry.MEASURES["success"]
    criminal = registry.MEASURES["criminal"]
    assert registry.rag(success, 91.0, 90) == "green"
    assert registry.rag(success, 86.0, 90) == "amber"
    assert registry.rag(success, 80.0, 90) == "red"
    assert registry.rag(success, None, 90) == ""
    assert registry.rag(criminal, 0, 0) == "green"
    assert registry.rag(criminal, 1, 0) == "red"
