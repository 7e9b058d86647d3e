"""Another app's measure plugs in by registering a function: card, target and colour come with it."""

from decimal import Decimal

import pytest

from gridcase.dashboards.measures import registry
from gridcase.dashboards.measures.registry import HIGHER, Figure, Measure
from tests.conftest import GUHE, TUYUAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def plugged_in():
    calls = []

    def compliance(code, period, filters):
        """Stand-in for another app's measure: 3 of 4 under a town, 1 of 1 under a village."""
        calls.append(code)
        return Figure(num=1, den=1) if len(code) == 12 else Figure(num=3, den=4)

    measure = registry.register(Measure(
        key="plugged_in", label="接入的测试指标", definition="测试用：镇 3/4，村 1/1",
        unit="%", direction=HIGHER, default_target=Decimal(100), compute=compliance, section="patrols"))
    yield calls
    registry.MEASURES.pop(measure.key)


def test_a_registered_measure_gets_a_card_with_target_and_colour(plugged_in, login):
    response = login("leader").get("/dashboard/", {"period": "month", "start": "2026-10-01"})
    card = next(c for c in response.context["cards"] if c.measure.key == "plugged_in")
    assert (card.figure.num, card.figure.den, card.figure.value) == (3, 4, 75.0)
    assert card.target == Decimal(100) and card.rag == "red"
    assert len(card.series) == 12 and "接入的测试指标" in response.content.decode()


def test_children_of_a_registered_measure_are_computed_per_child(plugged_in):
    from datetime import date

    from gridcase.dashboards.periods import month_of

    children = registry.children(["plugged_in"], code=TUYUAN, child_length=12, period=month_of(date(2026, 10, 1)))
    assert children["plugged_in"][GUHE] == Figure(1, 1)
    assert all(code.startswith(TUYUAN) and len(code) == 12 for code in children["plugged_in"])


def test_a_key_cannot_be_registered_twice_with_another_definition(plugged_in):
    with pytest.raises(ValueError):
        registry.register(Measure(key="plugged_in", label="x", definition="y", unit="%", direction=HIGHER,
                                  default_target=None, compute=lambda *a: Figure(0, 0)))
