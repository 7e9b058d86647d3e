"""Every figure a card links from is the number of cases its list shows: the drill-down and the
figure count the same cases, whether the rollup or the event log answers."""

import pytest

from gridcase.cases import services
from gridcase.cases.models import Case
from gridcase.cases.selectors import case_list
from gridcase.dashboards import periods, rollup
from gridcase.dashboards.measures import registry
from gridcase.dashboards.measures.cases import CASE_KEYS
from tests.conftest import TUYUAN
from tests.dashboards import scenario

pytestmark = pytest.mark.django_db
OCTOBER = periods.month_of(scenario.OCTOBER)


def _listed(user, key: str, part: str, period) -> int:
    return case_list(user=user, grid=TUYUAN, basis=f"{key}.{part}", start=period.start, end=period.end).count()


def _twice_escalated(make_case, users):
    """Failed at the village and at the town: escalated twice in October, to the town then the county."""
    m = users["mediator"]
    case = scenario.register(make_case, scenario.at(10, 2), title="两次上报的纠纷")
    scenario.act(scenario.at(10, 2, 11), services.case_accept, case=case, actor=m)
    scenario.mediate(case, m, scenario.at(10, 3))
    scenario.act(scenario.at(10, 4), services.case_fail, case=case, actor=m, reason="分歧较大")
    scenario.act(scenario.at(10, 4, 11), services.case_escalate, case=case, actor=m, reason="村级调解不成")
    scenario.act(scenario.at(10, 5), services.case_accept, case=case, actor=m)
    scenario.mediate(case, m, scenario.at(10, 6))
    scenario.act(scenario.at(10, 7), services.case_fail, case=case, actor=m, reason="仍不成")
    scenario.act(scenario.at(10, 7, 11), services.case_escalate, case=case, actor=users["leader"], reason="镇级调解不成")
    assert case.events.filter(kind="case.escalated").count() == 2
    return case


@pytest.mark.parametrize("source", ["live", "rollup"])
def test_each_figure_is_the_number_of_cases_in_its_list(make_case, users, source):
    scenario.build(make_case)
    case = _twice_escalated(make_case, users)
    if source == "rollup":
        rollup.refresh()
    assert rollup.can_answer(code=TUYUAN, periods=[OCTOBER], filters=registry.NO_FILTERS,
                             child_length=None) == (source == "rollup")
    figures = registry.figures(CASE_KEYS, code=TUYUAN, period=OCTOBER)
    assert figures["escalated"].num == 4  # C, D, E (by the rule) and the case escalated twice, once each
    for key in CASE_KEYS:
        for part in ("num", "den"):
            figure = getattr(figures[key], part)
            assert _listed(users["leader"], key, part, OCTOBER) == figure, (key, part)
    escalated = Case.objects.filter(pk__in=registry.MEASURES["escalated"].case_sets["num"](OCTOBER.start, OCTOBER.end))
    assert case in escalated
