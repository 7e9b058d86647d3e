"""The village's public board: no login, no personal data; residents object there, and the
objection goes back to the leading group."""

import re

import pytest
from django.test import Client

from gridcase.cases import services as case_services
from gridcase.deliberation import services
from gridcase.deliberation.models import Objection, State
from gridcase.notifications.models import Notification

pytestmark = pytest.mark.django_db

PROPOSER, PROPOSER_PHONE = "张秀英", "13812345678"
OWNER, OWNER_PHONE, OWNER_ID = "李建国", "13987654321", "321302199001011234"
DESCRIPTION = f"车主{OWNER}（电话{OWNER_PHONE}，身份证{OWNER_ID}）的轿车在三号楼前停放两年，座机0527-84201234"


@pytest.fixture
def board(make_topic, make_case, users):
    """Topics of 古河村 in every public state, written the way people really write them: the texts
    name the people the system knows about (the source case's parties, the proposer)."""
    case = make_case(parties=[case_services.PartyInput(name=OWNER, phone=OWNER_PHONE),
                              case_services.PartyInput(name="赵大宝", phone="13700001111")])
    topics = {
        State.PUBLICITY: make_topic(State.PUBLICITY, title=f"清理{OWNER}的僵尸车", description=DESCRIPTION,
                                    proposer_name=PROPOSER, proposer_phone=PROPOSER_PHONE, source="case", case=case),
        State.EXECUTING: make_topic(State.EXECUTING, title="楼道杂物清理", description="钱多多家门口堆放杂物",
                                    proposer_name="钱多多"),
        State.COMPLETED: make_topic(State.COMPLETED, title="充电桩选址", proposer_name="吴大海"),
        State.COLLECTED: make_topic(State.COLLECTED, title="内部议题不应公开"),
    }
    services.objection_lodge(topic=make_topic(State.PUBLICITY, title="公共绿地改造"), text="反对", name="孙小红",
                             ip="192.0.2.9")
    return topics


def page_text(client, village) -> str:
    response = client.get(f"/public/{village.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_board_shows_publicity_and_results_to_anyone_without_login(client, board, village):
    html = page_text(client, village)
    assert "清理李某某的僵尸车" in html and "楼道杂物清理" in html and "充电桩选址" in html and "公共绿地改造" in html
    assert "内部议题不应公开" not in html
    assert "限期十五日内清理" in html and "表决：出席 5 人，赞成 4 票" in html
    assert "经监督小组确认" in html
    assert html.count("提交异议") == 2  # the topic under publicity and the one with an objection


def test_the_board_carries_no_personal_data(client, board, village, users):
    html = page_text(client, village)
    names = [PROPOSER, OWNER, "赵大宝", "钱多多", "吴大海", "孙小红", "王书记", "李律师", "赵网格", "周代表",
             users["worker"].get_full_name(), users["cadre"].get_full_name(), users["adviser"].get_full_name()]
    for name in names:
        assert name not in html, name
    for number in (PROPOSER_PHONE, OWNER_PHONE, OWNER_ID, "13700001111", "84201234"):
        assert number not in html, number
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", html)
    assert "138****5678" not in html  # not even masked: the proposer's phone never leaves the database
    assert "车主李某某（电话139****4321，身份证3213**********1234）" in html


def test_a_resident_lodges_an_objection_which_goes_back_to_the_leading_group(board, village, users):
    topic = board[State.PUBLICITY]
    resident = Client(enforce_csrf_checks=True)
    resident.get(f"/public/{village.code}/")
    token = resident.cookies["csrftoken"].value
    response = resident.post(f"/public/{village.code}/topics/{topic.pk}/objection/",
                             {"text": "清理前应先通知车主", "csrfmiddlewaretoken": token}, REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.state == State.OBJECTED
    objection = topic.objections.get()
    assert objection.text == "清理前应先通知车主" and objection.name == ""
    assert "203.0.113.5" not in objection.ip_digest
    event = topic.events.last()
    assert event.kind == "topic.objection_lodged" and event.actor is None
    assert Notification.objects.filter(recipient=users["cadre"], kind="deliberation.objection",
                                       url=f"/deliberation/{topic.pk}/").exists()
    assert not Notification.objects.filter(recipient=users["cadre2"], kind="deliberation.objection").exists()
    assert "异议已提交" in resident.get(f"/public/{village.code}/").content.decode()


def test_an_objection_without_the_csrf_token_is_refused(board, village):
    topic = board[State.PUBLICITY]
    response = Client(enforce_csrf_checks=True).post(f"/public/{village.code}/topics/{topic.pk}/objection/",
                                                     {"text": "反对"})
    assert response.status_code == 403
    assert not topic.objections.exists()


def test_an_empty_objection_is_refused_with_a_message(client, board, village):
    topic = board[State.PUBLICITY]
    response = client.post(f"/public/{village.code}/topics/{topic.pk}/objection/", {"text": "  ", "name": "x"})
    assert response.status_code == 400 and "请填写异议内容" in response.content.decode()
    topic.refresh_from_db()
    assert topic.state == State.PUBLICITY


def test_objections_are_rate_limited_per_address(client, board, village, settings):
    settings.DELIBERATION_OBJECTIONS_PER_HOUR = 2
    topic = board[State.PUBLICITY]
    url = f"/public/{village.code}/topics/{topic.pk}/objection/"
    for text in ("一", "二"):
        assert client.post(url, {"text": text}, REMOTE_ADDR="203.0.113.77").status_code == 302
    refused = client.post(url, {"text": "三"}, REMOTE_ADDR="203.0.113.77")
    assert refused.status_code == 429 and "提交过于频繁" in refused.content.decode()
    other_session = Client()
    assert other_session.post(url, {"text": "三"}, REMOTE_ADDR="203.0.113.77").status_code == 429
    assert Client().post(url, {"text": "四"}, REMOTE_ADDR="203.0.113.78").status_code == 302
    assert Objection.objects.filter(topic=topic).count() == 3


def test_objections_are_rate_limited_per_session_across_addresses(client, board, village, settings):
    settings.DELIBERATION_OBJECTIONS_PER_HOUR = 1
    topic = board[State.PUBLICITY]
    url = f"/public/{village.code}/topics/{topic.pk}/objection/"
    assert client.post(url, {"text": "一"}, REMOTE_ADDR="203.0.113.1").status_code == 302
    assert client.post(url, {"text": "二"}, REMOTE_ADDR="203.0.113.2").status_code == 429


def test_no_objection_to_a_topic_not_under_publicity_or_of_another_village(client, board, village, other_village):
    executing = board[State.EXECUTING]
    assert client.post(f"/public/{village.code}/topics/{executing.pk}/objection/", {"text": "x"}).status_code == 404
    publicity = board[State.PUBLICITY]
    assert client.post(f"/public/{other_village.code}/topics/{publicity.pk}/objection/", {"text": "x"}).status_code == 404
    assert client.get("/public/999999999999/").status_code == 404


def test_another_villages_board_does_not_show_this_villages_topics(client, board, other_village):
    assert "清理李某某的僵尸车" not in page_text(client, other_village)


def test_an_objection_keeps_a_contact_phone_for_the_cadre_and_never_shows_it_on_the_board(board, village, login):
    topic = board[State.PUBLICITY]
    resident = Client()
    response = resident.post(f"/public/{village.code}/topics/{topic.pk}/objection/",
                             {"text": "清理前应先通知车主", "name": "孙小红", "contact": "139 1234 5678"},
                             REMOTE_ADDR="203.0.113.6")
    assert response.status_code == 302
    objection = topic.objections.get()
    assert objection.contact_masked == "139****5678" and "13912345678" not in objection.contact_encrypted
    assert "13912345678" not in page_text(resident, village) and "139****5678" not in page_text(resident, village)

    assert "联系电话 13912345678" in login("cadre").get(f"/deliberation/{topic.pk}/").content.decode()
    adviser_page = login("adviser").get(f"/deliberation/{topic.pk}/").content.decode()
    assert "139****5678" in adviser_page and "13912345678" not in adviser_page


def test_a_wrong_contact_is_refused_and_the_objection_text_is_kept(client, board, village):
    topic = board[State.PUBLICITY]
    response = client.post(f"/public/{village.code}/topics/{topic.pk}/objection/",
                           {"text": "清理前应先通知车主", "contact": "abc"})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写正确的电话号码" in html and "清理前应先通知车主" in html
    assert not topic.objections.exists()
