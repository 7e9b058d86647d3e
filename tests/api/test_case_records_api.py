"""/api/v1/cases/{id}/sessions/, /agreement and /follow-ups/: what the case page shows of them;
they are written through the case transitions."""

import pytest

from gridcase.cases import services
from gridcase.lib import clock

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(make_case, users):
    cadre = users["cadre"]
    case = make_case()
    services.case_accept(case=case, actor=cadre)
    services.case_start_mediation(case=case, actor=cadre, held_on=clock.today(), place="村委会", attendees="双方",
                                  content="第一次调解")
    services.case_settle(case=case, actor=cadre, signed_on=clock.today(), terms="甲方修好院墙排水")
    case.refresh_from_db()
    return case


def test_sessions_and_the_agreement_of_a_settled_case(api, settled):
    cadre = api("cadre")
    sessions = cadre.get(f"/api/v1/cases/{settled.pk}/sessions/")
    assert [s["content"] for s in sessions.json()] == ["第一次调解"]
    assert cadre.get(f"/api/v1/cases/{settled.pk}/sessions/", HTTP_IF_NONE_MATCH=sessions["ETag"]).status_code == 304
    agreement = cadre.get(f"/api/v1/cases/{settled.pk}/agreement").json()
    assert agreement["terms"] == "甲方修好院墙排水" and agreement["performance"] == "pending"
    assert cadre.get(f"/api/v1/cases/{settled.pk}/follow-ups/").json() == []


def test_a_follow_up_recorded_by_transition_is_listed(api, settled):
    cadre = api("cadre")
    recorded = cadre.post(f"/api/v1/cases/{settled.pk}/transitions/follow_up", {
        "visited_on": clock.today().isoformat(), "method": "phone", "satisfaction": "satisfied", "recurred": False,
        "note": "双方满意"}, HTTP_IF_MATCH=f'"{settled.version}"')
    assert recorded.status_code == 200, recorded.json()
    [visit] = cadre.get(f"/api/v1/cases/{settled.pk}/follow-ups/").json()
    assert (visit["method"], visit["satisfaction"], visit["recurred"], visit["note"]) == ("phone", "satisfied", False,
                                                                                        "双方满意")


def test_no_agreement_before_settling_and_nothing_for_another_town(api, make_case, settled):
    fresh = make_case()
    assert api("cadre").get(f"/api/v1/cases/{fresh.pk}/agreement").status_code == 404
    other = api("cadre2")
    for tail in ("sessions/", "agreement", "follow-ups/"):
        assert other.get(f"/api/v1/cases/{settled.pk}/{tail}").status_code == 404
