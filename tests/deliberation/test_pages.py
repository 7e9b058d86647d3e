"""The pages: list with filters, detail with timeline and next actions, the meeting page with
attendance, minutes and votes, the review queue, the summary of measures."""

from datetime import timedelta

import pytest

from gridcase.deliberation.models import Meeting, State, Topic
from gridcase.lib import clock
from tests.images import PNG

pytestmark = pytest.mark.django_db


def test_a_grid_worker_puts_a_topic_forward_from_the_form(login, village, item):
    client = login("worker")
    form = client.get("/deliberation/new/")
    assert form.status_code == 200 and village.name in form.content.decode()
    response = client.post("/deliberation/new/", {
        "client_id": "4f1c7e0e-7d8a-4c36-9a53-0d3e9a0f7b11", "village": village.pk, "title": "增设充电桩",
        "list_item": item.pk, "description": "电动车楼道充电", "source": "member", "channel": "wechat",
        "proposer_name": "吴大海", "proposer_phone": "13812345678"})
    topic = Topic.objects.get(title="增设充电桩")
    assert response.status_code == 302 and response["Location"] == f"/deliberation/{topic.pk}/"
    assert topic.proposer_phone_masked == "138****5678" and "13812345678" not in topic.proposer_phone_encrypted


def test_a_case_number_outside_the_jurisdiction_is_refused_on_the_form(login, village, item, users, make_case):
    response = login("worker").post("/deliberation/new/", {
        "client_id": "4f1c7e0e-7d8a-4c36-9a53-0d3e9a0f7b12", "village": village.pk, "title": "x", "list_item": item.pk,
        "source": "case", "case_number": "321302101-2026-999999", "channel": "visit"})
    assert response.status_code == 200 and "找不到该编号的案件" in response.content.decode()
    assert not Topic.objects.filter(title="x").exists()


def test_the_list_is_scoped_filtered_and_paginated(login, make_topic):
    make_topic(State.COLLECTED, title="路灯增设")
    make_topic(State.ACCEPTED, title="垃圾清运")
    client = login("cadre")
    html = client.get("/deliberation/").content.decode()
    assert "路灯增设" in html and "垃圾清运" in html
    html = client.get("/deliberation/?state=accepted").content.decode()
    assert "垃圾清运" in html and "路灯增设" not in html
    html = client.get("/deliberation/?q=路灯").content.decode()
    assert "路灯增设" in html and "垃圾清运" not in html
    assert client.get("/deliberation/?page=99").status_code == 200


def test_the_detail_offers_the_next_actions_of_the_user(login, make_topic):
    topic = make_topic(State.COLLECTED)
    html = login("cadre").get(f"/deliberation/{topic.pk}/").content.decode()
    assert f"/deliberation/{topic.pk}/accept/" in html and f"/deliberation/{topic.pk}/reject/" in html
    assert "征集议题" in html  # the timeline
    html = login("adviser").get(f"/deliberation/{topic.pk}/").content.decode()
    assert f"/deliberation/{topic.pk}/accept/" not in html and "当前没有您可执行的操作" in html


def test_accepting_from_the_page_and_a_stale_form_keeps_the_input(login, make_topic):
    topic = make_topic(State.COLLECTED)
    client = login("cadre")
    seen = topic.version
    assert client.post(f"/deliberation/{topic.pk}/accept/", {"version": seen, "note": "同意"}).status_code == 302
    topic.refresh_from_db()
    assert topic.state == State.ACCEPTED
    response = client.post(f"/deliberation/{topic.pk}/fast_track/", {"version": seen, "reason": "汛期急议"})
    html = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in html and "汛期急议" in html and "采纳议题" in html


def test_a_refused_action_shows_the_reason(login, make_topic):
    topic = make_topic(State.DECIDED)
    response = login("cadre").post(f"/deliberation/{topic.pk}/approve/", {"version": topic.version, "opinion": "x"})
    assert response.status_code == 200 and "您无权对该议题执行「法律审核通过」" in response.content.decode()
    response = login("adviser").post(f"/deliberation/{topic.pk}/reject/", {"version": topic.version, "reason": "x"})
    assert "您无权" in response.content.decode()
    topic.refresh_from_db()
    assert topic.state == State.DECIDED


def test_the_cadre_convenes_a_meeting_puts_topics_on_it_and_records_the_vote(login, village, make_topic):
    topic = make_topic(State.ACCEPTED, title="僵尸车清理")
    client = login("cadre")
    assert client.get("/deliberation/meetings/new/").status_code == 200
    point = village.geom.point_on_surface
    rows = [("committee", "王书记", "on"), ("adviser", "李律师", "on"), ("representative", "周代表", "")]
    data = {"held_at": (clock.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"), "place": "村部会议室",
            "lon": point.x, "lat": point.y, "recorder": "赵文书", "att-TOTAL_FORMS": 3, "att-INITIAL_FORMS": 0}
    for i, (role, name, present) in enumerate(rows):
        data |= {f"att-{i}-role": role, f"att-{i}-name": name} | ({f"att-{i}-present": present} if present else {})
    response = client.post("/deliberation/meetings/new/", data)
    meeting = Meeting.objects.get(place="村部会议室")
    assert response.status_code == 302 and meeting.attendees.filter(present=True).count() == 2
    client.post(f"/deliberation/meetings/{meeting.pk}/schedule/", {"topic": topic.pk})
    item = meeting.agenda.get()
    html = client.get(f"/deliberation/meetings/{meeting.pk}/").content.decode()
    assert "僵尸车清理" in html and "出席 2 / 3" in html and "缺席" in html
    topic.refresh_from_db()
    minutes = {f"m{item.pk}-{k}": v for k, v in {
        "version": topic.version, "item": item.pk, "discussion": "同意清理", "decision": "十五日内清理",
        "votes_for": 2, "votes_against": 1, "votes_abstain": 0}.items()}
    response = client.post(f"/deliberation/meetings/{meeting.pk}/agenda/{item.pk}/minutes/", minutes, follow=True)
    assert "超过出席人数 2" in response.content.decode()
    minutes[f"m{item.pk}-votes_against"] = 0
    client.post(f"/deliberation/meetings/{meeting.pk}/agenda/{item.pk}/minutes/", minutes)
    topic.refresh_from_db()
    assert topic.state == State.DECIDED and topic.decision.votes_for == 2 and topic.decision.passed


def test_a_meeting_outside_the_village_is_refused_on_the_form(login, other_village):
    point = other_village.geom.point_on_surface
    response = login("cadre").post("/deliberation/meetings/new/", {
        "held_at": "2026-12-01T19:00", "place": "村部", "lon": point.x, "lat": point.y,
        "att-TOTAL_FORMS": 1, "att-INITIAL_FORMS": 0, "att-0-role": "committee", "att-0-name": "王书记", "att-0-present": "on"})
    assert response.status_code == 200 and "不在古河村范围内" in response.content.decode()
    assert not Meeting.objects.filter(place="村部", village_code=other_village.code).exists()


def test_only_a_cadre_convenes(login):
    assert login("adviser").get("/deliberation/meetings/new/").status_code == 403


def test_the_adviser_approves_from_the_page(login, make_topic):
    topic = make_topic(State.DECIDED)
    client = login("adviser")
    assert client.get(f"/deliberation/{topic.pk}/approve/").status_code == 200
    client.post(f"/deliberation/{topic.pk}/approve/", {"version": topic.version, "opinion": "合法"})
    topic.refresh_from_db()
    assert topic.state == State.PUBLICITY


def test_the_cadre_answers_an_objection_from_the_page(login, make_topic):
    topic = make_topic(State.OBJECTED)
    objection = topic.objections.get()
    client = login("cadre")
    assert "答复异议" in client.get(f"/deliberation/{topic.pk}/").content.decode()
    client.post(f"/deliberation/{topic.pk}/objections/{objection.pk}/answer/", {"answer": "已通知车主"})
    objection.refresh_from_db()
    assert objection.answer == "已通知车主"




def test_progress_photos_are_sniffed_and_limited(login, make_topic, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    topic = make_topic(State.EXECUTING)
    client = login("cadre")
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = client.post(f"/deliberation/{topic.pk}/progress/", {"note": "进展", "photos": [fake]})
    assert response.status_code == 200 and "只接受" in response.content.decode() and not topic.progress.exists()
    settings.DELIBERATION_PHOTO_MAX_BYTES = 40
    big = SimpleUploadedFile("big.png", PNG, content_type="image/png")
    response = client.post(f"/deliberation/{topic.pk}/progress/", {"note": "进展", "photos": [big]})
    assert "照片过大" in response.content.decode() and not topic.progress.exists()
    settings.DELIBERATION_PHOTO_MAX_BYTES = 10_000
    ok = [SimpleUploadedFile("a.png", PNG, content_type="image/png"),
          SimpleUploadedFile("b.png", PNG, content_type="image/png")]
    assert client.post(f"/deliberation/{topic.pk}/progress/", {"note": "已拖走一辆", "photos": ok}).status_code == 302
    photos = list(topic.progress.get().photos.all())
    assert len(photos) == 2 and all(p.file.name.endswith(".png") and p.content_type == "image/png" for p in photos)
    served = client.get(f"/deliberation/{topic.pk}/photos/{photos[0].pk}/")
    assert served.status_code == 200 and b"".join(served.streaming_content).startswith(b"\x89PNG")
    assert login("cadre2").get(f"/deliberation/{topic.pk}/photos/{photos[0].pk}/").status_code == 404


def test_assigning_from_the_page_offers_the_village_and_a_stale_form_keeps_the_input(login, users, make_topic):
    topic = make_topic(State.EXECUTING)
    client = login("cadre")
    html = client.get(f"/deliberation/{topic.pk}/assign/").content.decode()
    assert f'value="{users["worker"].pk}"' in html and f'value="{users["worker2"].pk}"' not in html
    deadline = (clock.today() + timedelta(days=20)).isoformat()
    response = client.post(f"/deliberation/{topic.pk}/assign/", {"version": topic.version, "responsible":
                                                                 users["worker"].pk, "deadline": deadline})
    assert response.status_code == 302 and response["Location"] == f"/deliberation/{topic.pk}/"
    topic.refresh_from_db()
    assert topic.responsible == users["worker"] and topic.execution_deadline.isoformat() == deadline
    stale = client.post(f"/deliberation/{topic.pk}/assign/", {"version": topic.version - 1,
                                                              "responsible_name": "陈师傅", "deadline": deadline})
    html = stale.content.decode()
    assert stale.status_code == 200 and "已被他人修改" in html and 'value="陈师傅"' in html
    assert f'name="version" value="{topic.version}"' in html
    assert 'enctype="multipart/form-data"' in client.get(f"/deliberation/{topic.pk}/progress/").content.decode()


def test_the_survey_is_recorded_from_the_page(login, make_topic):
    topic = make_topic(State.COMPLETED)
    client = login("cadre")
    client.post(f"/deliberation/{topic.pk}/survey/", {"respondent": "representative", "rating": "fairly"})
    assert topic.survey.get().rating == "fairly"


def test_the_measures_page_shows_each_figure_with_its_definition(login, make_topic):
    make_topic(State.COMPLETED)
    html = login("leader").get("/deliberation/measures/").content.decode()
    for definition in ("统计期内登记（征集）的议题数", "满意度测评中（满意 + 基本满意）÷ 全部测评", "有异议议题数 ÷ 开始公示议题数"):
        assert definition in html
    assert 'data-measure="completed">1<' in html


def test_the_measures_of_another_town_are_not_shown(login):
    assert login("leader").get("/deliberation/measures/?start=2026-01-01&end=2026-12-31&area=321302101").status_code == 404
