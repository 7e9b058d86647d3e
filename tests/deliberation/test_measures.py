"""The measures, on a hand-made set: each figure follows its written definition."""

from datetime import datetime, timedelta

import pytest

from gridcase.deliberation import measures, services
from gridcase.deliberation.models import State
from gridcase.lib import clock

pytestmark = pytest.mark.django_db


def period():
    now = clock.now()
    return {"start": now - timedelta(days=30), "end": now + timedelta(days=1)}


def test_the_measures_count_what_their_definitions_say(make_topic, users):
    completed = make_topic(State.COMPLETED, title="a")
    make_topic(State.EXECUTING, title="b")
    objected = make_topic(State.OBJECTED, title="c")
    make_topic(State.PUBLICITY, title="d")
    make_topic(State.COLLECTED, title="e")
    for rating in ("satisfied", "satisfied", "fairly", "dissatisfied"):
        services.survey_record(topic=completed, actor=users["cadre"], respondent="resident", rating=rating)

    m = measures.measures(code="321302112210", **period())
    assert (m.collected, m.decided, m.completed) == (5, 4, 1)
    assert (m.publicised, m.objections_topics) == (4, 1) and m.objection_rate == 0.25
    assert m.surveyed == 4 and m.satisfaction_rate == 0.75 and not m.satisfaction_met
    # 'completed' was decided ten days ago (the fixture) and confirmed now.
    assert 9.9 <= m.days_to_completion <= 10.1
    assert 0 <= m.days_to_decision < 0.1
    assert objected.objections.count() == 1

    town = measures.measures(code="321302112", **period())
    assert town.collected == 5
    other = measures.measures(code="321302101", **period())
    assert (other.collected, other.decided, other.satisfaction_rate, other.objection_rate) == (0, 0, None, None)


def test_topics_outside_the_period_do_not_count(make_topic):
    make_topic(State.COLLECTED)
    before = datetime(2020, 1, 1, tzinfo=clock.now().tzinfo)
    m = measures.measures(code="321302112210", start=before, end=before + timedelta(days=30))
    assert m.collected == 0 and m.days_to_decision is None
