import pytest

from gridcase.hazards import demo
from gridcase.hazards.models import Hazard, HazardEvent, InspectionTask, State
from tests.hazards.conftest import at

pytestmark = pytest.mark.django_db


def test_the_demo_villages_get_hazards_in_every_state_made_by_the_services():
    made = demo.build(today=at(2026, 11, 20, 10, 0), only=demo.SHOWCASE)

    assert made == Hazard.objects.count() == 2 * len(demo.PLOTS)
    assert set(Hazard.objects.values_list("state", flat=True)) == set(State.values)
    assert Hazard.objects.filter(rework_count__gt=0).exists() and Hazard.objects.filter(extension_count__gt=0).exists()
    overdue = Hazard.objects.filter(state=State.RECTIFYING, deadline__lt=at(2026, 11, 20, 10, 0))
    assert overdue.exists() and not overdue.filter(level="village").exists()  # the rules escalated them
    assert HazardEvent.objects.filter(kind="hazard.escalated", actor=None).exists()
    assert InspectionTask.objects.filter(assignee__username="worker").count() == 1
