"""The demo: topics in every state, with meetings, for the demo villages — never under `--cases none`."""

import pytest

from gridcase.accounts.models import User
from gridcase.deliberation import demo
from gridcase.deliberation.models import PUBLIC_STATES, Meeting, State, Topic
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
        assert executing.filter(execution_deadline__lt=clock.today()).count() == 1  # to show the reminder
    assert demo.build(log=lambda *args: None) == 0


def test_every_page_of_the_demo_renders_for_each_role(client, users):
    demo.build(log=lambda *args: None)
    village = users["cadre"].area
    topics = list(Topic.objects.filter(village_code=village.code))
    meetings = list(Meeting.objects.filter(village_code=village.code))
    for username in ("cadre", "adviser", "leader", "worker", "supervisor", "admin"):
        client.force_login(User.objects.get(username=username))
        for url in ["/deliberation/", "/deliberation/meetings/", "/deliberation/measures/",
                    *[f"/deliberation/{t.pk}/" for t in topics], *[f"/deliberation/meetings/{m.pk}/" for m in meetings]]:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
    client.logout()
    board = client.get(f"/public/{village.code}/").content.decode()
    assert board.count('class="record"') == sum(t.state in PUBLIC_STATES for t in topics)
    for name in ("村民甲", "村民乙", "村委委员甲", "群众代表甲", users["cadre"].get_full_name()):
        assert name not in board
