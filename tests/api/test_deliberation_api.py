"""/api/v1/topics/ and /api/v1/meetings/: the topic page's actions for whoever wears the hat, and
meetings with attendance and minutes."""

import pytest

from gridcase.deliberation.models import State
from tests.deliberation.conftest import item, make_topic, meeting, present_count, supervisor, village  # noqa: F401

pytestmark = pytest.mark.django_db


def test_topics_list_filter_and_stay_in_the_jurisdiction(api, make_topic):  # noqa: F811
    collected = make_topic()
    accepted = make_topic(State.ACCEPTED, title="修缮村口道路")
    cadre = api("cadre")
    listed = cadre.get("/api/v1/topics/").json()["results"]
    assert [t["id"] for t in listed] == [accepted.pk, collected.pk]
    assert [t["id"] for t in cadre.get("/api/v1/topics/?state=collected").json()["results"]] == [collected.pk]
    assert cadre.get("/api/v1/topics/?state=lost").status_code == 400
    assert api("cadre2").get("/api/v1/topics/").json()["results"] == []


def test_the_leading_group_accepts_a_topic_and_others_may_not(api, make_topic):  # noqa: F811
    topic = make_topic()
    path = f"/api/v1/topics/{topic.pk}/transitions/"
    detail = api("cadre").get(f"/api/v1/topics/{topic.pk}/")
    assert detail["ETag"] == f'"{topic.version}"'
    assert detail.json()["allowed_actions"] == ["accept", "fast_track", "reject"]
    assert "proposer_name" not in detail.json()

    refused = api("worker").post(path + "accept", {"note": "同意"}, HTTP_IF_MATCH=f'"{topic.version}"')
    assert refused.status_code == 403  # a grid worker proposes; the village's leading group accepts
    wrong = api("adviser").post(path + "approve", {"opinion": "合法"}, HTTP_IF_MATCH=f'"{topic.version}"')
    assert wrong.status_code == 409  # the adviser's hat, but nothing decided yet
    accepted = api("cadre").post(path + "accept", {"note": "同意上会"}, HTTP_IF_MATCH=f'"{topic.version}"')
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    assert accepted["ETag"] == f'"{topic.version + 1}"'

    stale = api("cadre").post(path + "reject", {"reason": "重复"}, HTTP_IF_MATCH=f'"{topic.version}"')
    assert stale.status_code == 412
    events = api("cadre").get(f"/api/v1/topics/{topic.pk}/events/").json()["results"]
    assert [e["kind"] for e in events] == ["topic.collected", "topic.accepted"]
    topic.refresh_from_db()
    assert topic.state == State.ACCEPTED


def test_meetings_show_attendance_and_minutes(api, make_topic, meeting):  # noqa: F811
    topic = make_topic(State.DECIDED)
    cadre = api("cadre")
    assert [m["id"] for m in cadre.get("/api/v1/meetings/").json()["results"]] == [meeting.pk]
    detail = cadre.get(f"/api/v1/meetings/{meeting.pk}/")
    body = detail.json()
    assert len(body["attendees"]) == 6 and body["present"] == present_count() == 5
    assert body["topics"] == 1
    [minutes] = body["agenda"]
    assert minutes["topic"] == topic.pk and minutes["decision"] == "限期十五日内清理"
    assert (minutes["votes_for"], minutes["votes_against"], minutes["votes_abstain"], minutes["passed"]) == (4, 1, 0, True)
    assert cadre.get(f"/api/v1/meetings/{meeting.pk}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304


def test_another_towns_topic_and_meeting_are_not_found(api, make_topic, meeting):  # noqa: F811
    topic = make_topic()
    other = api("cadre2")
    assert other.get(f"/api/v1/topics/{topic.pk}/").status_code == 404
    assert other.get(f"/api/v1/topics/{topic.pk}/events/").status_code == 404
    assert other.post(f"/api/v1/topics/{topic.pk}/transitions/accept", {}, HTTP_IF_MATCH='"1"').status_code == 404
    assert other.get(f"/api/v1/meetings/{meeting.pk}/").status_code == 404
    assert other.get("/api/v1/meetings/").json()["results"] == []


def test_a_read_only_token_cannot_accept(api, make_topic):  # noqa: F811
    topic = make_topic()
    reader = api("cadre", scopes=["read"])
    response = reader.post(f"/api/v1/topics/{topic.pk}/transitions/accept", {}, HTTP_IF_MATCH=f'"{topic.version}"')
    assert response.status_code == 403
    topic.refresh_from_db()
    assert topic.state == State.COLLECTED
