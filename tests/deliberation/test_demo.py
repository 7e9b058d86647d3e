"""The demo: topics in every state, with meetings, for the demo villages — never under `--cases none`."""

import pytest

from gridcase.deliberation import demo
from gridcase.deliberation.models import Meeting, State, Topic
from gridcase.lib import clock

pytestmark = pytest.mark.django_db


def test_the_test_world_loaded_with_cases_none_has_no_deliberation():
    assert not Topic.objects.exists() and not Meeting.objects.exists()


def test_the_demo_has_every_state_in_each_demo_village_and_runs_once(users):
    made = demo.build(log=lambda *args: None)
    assert made == 2 * (len(demo.TOPICS) + 1)
    for cadre in ("cadre", "cadre2"):
        village = users[cadre].area
        states = set(Topic.objects.filter(village_code=village.code).values_list("state", flat=True))
        assert states == set(State.values), village
        assert Meeting.objects.filter(village_code=village.code).count() == 2
        executing = Topic.objects.filter(village_code=village.code, state=State.EXECUTING)
        assert executing.count() == 2
        assert executing.filter(execution_deadline__lt=clock.now().date()).count() == 1  # to show the reminder
    assert demo.build(log=lambda *args: None) == 0
