"""/api/v1/topics/ and /api/v1/meetings/: the topic page's actions for whoever wears the hat, and
meetings with attendance and minutes."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridcase.deliberation.models import State
from gridcase.lib import clock
from tests.deliberation.conftest import item, make_topic, meeting, present_count, supervisor, village  # noqa: F401
from tests.images import PNG

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


def test_the_leading_group_assigns_by_json_and_a_stale_tag_changes_nothing(api, users, make_topic):  # noqa: F811
    topic = make_topic(State.EXECUTING)
    path = f"/api/v1/topics/{topic.pk}/transitions/assign"
    deadline = clock.today() + timedelta(days=20)
    cadre = api("cadre")
    assert "assign" in cadre.get(f"/api/v1/topics/{topic.pk}/").json()["allowed_actions"]

    outsider = cadre.post(path, {"responsible": users["worker2"].pk, "deadline": deadline.isoformat()},
                          HTTP_IF_MATCH=f'"{topic.version}"')
    assert outsider.status_code == 400 and "responsible" in outsider.json()["errors"]  # not of 古河村
    assigned = cadre.post(path, {"responsible": users["worker"].pk, "deadline": deadline.isoformat()},
                          HTTP_IF_MATCH=f'"{topic.version}"')
    assert assigned.status_code == 200, assigned.json()
    assert assigned.json()["responsible"] == str(users["worker"])
    assert assigned.json()["execution_deadline"] == deadline.isoformat()
    assert assigned["ETag"] == f'"{topic.version + 1}"'

    stale = cadre.post(path, {"responsible_name": "陈师傅", "deadline": (deadline + timedelta(days=9)).isoformat()},
                       HTTP_IF_MATCH=f'"{topic.version}"')
    assert stale.status_code == 412 and stale.json()["current_version"] == topic.version + 1
    topic.refresh_from_db()
    assert (topic.responsible, topic.responsible_name, topic.execution_deadline) == (
        users["worker"], str(users["worker"]), deadline)
    assert topic.events.filter(kind="topic.assigned").count() == 1


def test_the_responsible_person_reports_progress_with_photos_and_a_fake_is_refused(
        client, api, token_for, users, make_topic, settings, tmp_path):  # noqa: F811
    settings.MEDIA_ROOT = tmp_path
    topic = make_topic(State.EXECUTING)
    api("cadre").post(f"/api/v1/topics/{topic.pk}/transitions/assign",
                      {"responsible": users["worker"].pk, "deadline": (clock.today() + timedelta(days=20)).isoformat()},
                      HTTP_IF_MATCH=f'"{topic.version}"')
    topic.refresh_from_db()
    path = f"/api/v1/topics/{topic.pk}/transitions/progress"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for('worker')}", "HTTP_IF_MATCH": f'"{topic.version}"'}

    fake = SimpleUploadedFile("现场.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    refused = client.post(path, {"note": "已拖走一辆", "photos": [SimpleUploadedFile("a.png", PNG), fake]}, **auth)
    assert refused.status_code == 409 and "只接受" in refused.json()["detail"]
    assert not topic.progress.exists() and not list(tmp_path.rglob("*.*"))  # the good photo went too

    done = client.post(path, {"note": "已拖走一辆", "photos": [SimpleUploadedFile("a.png", PNG),
                                                            SimpleUploadedFile("b.png", PNG)]}, **auth)
    assert done.status_code == 200, done.json()
    assert done["ETag"] == f'"{topic.version}"'  # a progress note does not change the topic
    progress = topic.progress.get()
    assert progress.note == "已拖走一辆" and progress.by == users["worker"]
    assert [p.content_type for p in progress.photos.all()] == ["image/png", "image/png"]
    assert topic.events.get(kind="topic.progress").data["photos"] == 2


def test_the_survey_is_recorded_by_json_once_the_topic_is_completed(api, make_topic):  # noqa: F811
    executing, completed = make_topic(State.EXECUTING), make_topic(State.COMPLETED, title="修缮村口道路")
    cadre = api("cadre")
    answer = {"respondent": "representative", "rating": "fairly", "note": "车位腾出来了"}
    early = cadre.post(f"/api/v1/topics/{executing.pk}/transitions/survey", answer,
                       HTTP_IF_MATCH=f'"{executing.version}"')
    assert early.status_code == 409 and "survey" not in early.json()["allowed_actions"]
    bad = cadre.post(f"/api/v1/topics/{completed.pk}/transitions/survey", {**answer, "rating": "great"},
                     HTTP_IF_MATCH=f'"{completed.version}"')
    assert bad.status_code == 400 and list(bad.json()["errors"]) == ["rating"]
    recorded = cadre.post(f"/api/v1/topics/{completed.pk}/transitions/survey", answer,
                          HTTP_IF_MATCH=f'"{completed.version}"')
    assert recorded.status_code == 200, recorded.json()
    assert list(completed.survey.values_list("respondent", "rating", "note")) == [
        ("representative", "fairly", "车位腾出来了")]
    assert not executing.survey.exists()


def test_another_town_and_a_read_only_token_cannot_assign_report_or_survey(api, users, make_topic):  # noqa: F811
    executing, completed = make_topic(State.EXECUTING), make_topic(State.COMPLETED, title="修缮村口道路")
    deadline = (clock.today() + timedelta(days=20)).isoformat()
    tries = [(executing, "assign", {"responsible_name": "陈师傅", "deadline": deadline}),
             (executing, "progress", {"note": "已拖走一辆"}),
             (completed, "survey", {"respondent": "resident", "rating": "satisfied"})]
    for topic, name, data in tries:
        path = f"/api/v1/topics/{topic.pk}/transitions/{name}"
        assert api("cadre2").post(path, data, HTTP_IF_MATCH=f'"{topic.version}"').status_code == 404
        assert api("cadre", scopes=["read"]).post(path, data, HTTP_IF_MATCH=f'"{topic.version}"').status_code == 403
    executing.refresh_from_db()
    assert executing.responsible_name == "" and not executing.progress.exists() and not completed.survey.exists()
