"""The deliberation measures on the dashboards, on a hand-made November 2026 in 古河村:

    A  collected 2 Nov 09:00, decided 5 Nov 09:00 (3 days), publicised 5 Nov, completed 20 Nov 09:00 (15 days)
    B  collected 3 Nov 09:00, decided 9 Nov 21:00 (6.5 days), publicised 10 Nov, objected to 11 Nov
    C  collected 20 Oct 09:00, decided 2 Nov 09:00 (13 days), publicised 2 Nov
    D  collected 10 Nov 09:00, nothing more

November: collected A B D = 3; decided A B C = 3, on average (3 + 6.5 + 13) ÷ 3 = 7.5 days; completed
A = 1, 15 days after its decision; publicised A B C, objected B: 1 ÷ 3 = 33.3%. October: C collected.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from gridcase.dashboards.measures import registry
from gridcase.dashboards.measures.registry import DAYS, LOWER, NEUTRAL
from gridcase.dashboards.periods import month_of
from gridcase.deliberation import services
from gridcase.lib import clock
from tests.conftest import GENGCHE, GUHE, TUYUAN
from tests.deliberation.conftest import ATTENDEES

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
KEYS = ["deliberation_collected", "deliberation_decided", "deliberation_completed", "deliberation_days_to_decision",
        "deliberation_days_to_completion", "deliberation_objection_rate"]
NOVEMBER, OCTOBER = month_of(date(2026, 11, 1)), month_of(date(2026, 10, 1))


def at(month, day, hour=9, minute=0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def november(users, village, item, supervisor):
    cadre, adviser = users["cadre"], users["adviser"]

    def collected(title, when):
        with clock.travel(when):
            topic = services.topic_propose(actor=users["worker"], village=village, list_item=item, title=title)
            return services.topic_accept(topic=topic, actor=cadre)

    def decided(topic, when):
        with clock.travel(when - timedelta(hours=1)):
            meeting = services.meeting_create(
                actor=cadre, village=village, held_at=clock.now(), place="村部",
                attendees=[services.AttendeeInput(role=r, name=n, present=p) for r, n, p in ATTENDEES])
            agenda = services.meeting_add_topic(meeting=meeting, actor=cadre, topic=topic)
        with clock.travel(when):
            services.minutes_record(item=agenda, actor=cadre, discussion="讨论", decision="同意", votes_for=4,
                                    votes_against=1, votes_abstain=0)

    def publicised(topic, when):
        with clock.travel(when):
            return services.legal_review(topic=topic, actor=adviser, approve=True, opinion="合法")

    a, b = collected("A 修路灯", at(11, 2)), collected("B 清垃圾", at(11, 3))
    c, d = collected("C 僵尸车", at(10, 20)), collected("D 健身器材", at(11, 10))
    decided(c, at(11, 2))
    publicised(c, at(11, 2, 10))
    decided(a, at(11, 5))
    a = publicised(a, at(11, 5, 10))
    decided(b, at(11, 9, 21))
    publicised(b, at(11, 10))
    with clock.travel(at(11, 11)):
        services.objection_lodge(topic=b, text="垃圾点位置不合适", ip="198.51.100.7")
    with clock.travel(a.publicity_ends_at + timedelta(minutes=1)):
        services.publicity_end(topic_id=a.pk)
        services.topic_assign(topic=a, actor=cadre, responsible=users["worker"], responsible_name="",
                              deadline=date(2026, 11, 30))
        services.completion_report(topic=a, actor=cadre, note="已修好")
    with clock.travel(at(11, 20)):
        services.completion_confirm(topic=a, actor=supervisor)
    return {"A": a, "B": b, "C": c, "D": d}


def figures(code, period):
    return registry.figures(KEYS, code=code, period=period)


def test_the_deliberation_measures_follow_their_definitions(november):
    f = figures(GUHE, NOVEMBER)

    assert (f["deliberation_collected"].value, f["deliberation_decided"].value,
            f["deliberation_completed"].value) == (3, 3, 1)
    assert (f["deliberation_days_to_decision"].num, f["deliberation_days_to_decision"].den) == (22.5, 3)
    assert f["deliberation_days_to_decision"].value == 7.5
    assert f["deliberation_days_to_completion"].value == 15.0
    assert (f["deliberation_objection_rate"].num, f["deliberation_objection_rate"].den) == (1, 3)
    assert round(f["deliberation_objection_rate"].value, 1) == 33.3


def test_the_town_sums_its_villages_and_other_towns_and_months_have_their_own(november):
    town = figures(TUYUAN, NOVEMBER)
    assert town["deliberation_days_to_decision"].value == 7.5 and town["deliberation_collected"].value == 3

    other = figures(GENGCHE, NOVEMBER)
    assert other["deliberation_collected"].value == 0
    assert other["deliberation_days_to_decision"].value is None and other["deliberation_objection_rate"].value is None

    october = figures(GUHE, OCTOBER)
    assert (october["deliberation_collected"].value, october["deliberation_decided"].value) == (1, 0)
    assert october["deliberation_days_to_completion"].value is None


def test_counts_and_averages_have_no_target_and_the_objection_rate_no_colour():
    measures = registry.MEASURES
    assert all(measures[key].default_target is None for key in KEYS)
    assert measures["deliberation_days_to_decision"].unit == DAYS and measures["deliberation_days_to_decision"].direction == LOWER
    assert measures["deliberation_objection_rate"].direction == NEUTRAL
    assert measures["deliberation_satisfaction"].default_target == Decimal(90)
    assert all(measures[key].definition and measures[key].section == "deliberation" for key in KEYS)


def test_the_dashboard_shows_the_averages_in_days(november, login):
    response = login("leader").get("/dashboard/", {"period": "month", "start": "2026-11-01"})
    cards = {c.measure.key: c for c in response.context["cards"]}
    assert cards["deliberation_days_to_decision"].figure.value == 7.5 and cards["deliberation_days_to_decision"].rag == ""
    page = response.content.decode()
    assert "议题平均议决天数" in page and "7.5 天" in page and "33.3%" in page
