"""Pasted WeChat group text: read into drafts, reviewed, then registered (once) as requests."""

import re
from datetime import date, time

import pytest

from gridcase.requests import wechat
from gridcase.requests.models import Channel, Request

from .conftest import today

CHAT = """2026-11-20 09:15 张三：村口路灯坏了三天了
晚上走路看不见
[2026/11/20 9:16:02] 李四: 收到
王五 2026-11-21 10:02
河边垃圾堆了一周没人清运
—— 11月22日 ——
赵六 08:30
[图片]
赵六：小区门口的车乱停，消防通道堵了
孙七 撤回了一条消息
周八 加入了群聊
"""


def test_each_message_becomes_a_draft_with_its_date_time_and_speaker():
    drafts = wechat.parse(CHAT, default_date=date(2026, 11, 23))
    assert [(d.received_on, d.at, d.speaker, d.matter) for d in drafts] == [
        (date(2026, 11, 20), time(9, 15), "张三", "村口路灯坏了三天了\n晚上走路看不见"),
        (date(2026, 11, 21), time(10, 2), "王五", "河边垃圾堆了一周没人清运"),
        (date(2026, 11, 22), None, "赵六", "小区门口的车乱停，消防通道堵了"),
    ]


def test_messages_without_a_date_take_the_default_and_chatter_is_dropped():
    drafts = wechat.parse("老刘：自来水管漏水\n小王：好的\n老刘：[表情]\n老刘 11:05\n水一直流", default_date=date(2026, 3, 1))
    assert [(d.received_on, d.speaker, d.matter) for d in drafts] == [
        (date(2026, 3, 1), "老刘", "自来水管漏水"), (date(2026, 3, 1), "老刘", "水一直流")]


def test_text_without_messages_gives_nothing():
    assert wechat.parse("\n\n   \n随便写的一段话没有冒号\n", default_date=date(2026, 3, 1)) == []


@pytest.mark.django_db
def test_the_worker_reviews_the_drafts_and_registers_the_kept_ones_once(login, users, category):
    client = login("worker")
    village = users["cadre"].area
    review = client.post("/requests/wechat/", {"village": village.pk, "received_on": today().isoformat(),
                                               "text": CHAT.replace("2026-11-2", f"{today().year}-01-2")
                                               .replace("2026/11/20", f"{today().year}/01/20")})
    html = review.content.decode()
    assert html.count('class="draft"') == 3
    client_ids = re.findall(r'name="drafts-(\d)-client_id" value="([0-9a-f-]+)"', html)
    assert len(client_ids) == 3
    assert re.search(rf'name="drafts-0-received_on" value="{today().year}-01-20"', html)
    data = {"village": village.pk, "drafts-TOTAL_FORMS": "3", "drafts-INITIAL_FORMS": "3"}
    for i, client_id in client_ids:
        data |= {f"drafts-{i}-client_id": client_id, f"drafts-{i}-received_on": today().isoformat(),
                 f"drafts-{i}-reporter_name": "张三", f"drafts-{i}-matter": f"第{i}条", f"drafts-{i}-category": category.pk}
    data |= {"drafts-0-keep": "on", "drafts-2-keep": "on"}  # the second is left out

    assert client.post("/requests/wechat/", data).status_code == 302
    assert client.post("/requests/wechat/", data).status_code == 302  # sent twice: still two
    saved = Request.objects.filter(channel=Channel.WECHAT).order_by("matter")
    assert [r.matter for r in saved] == ["第0条", "第2条"]
    assert all(r.village == village and r.grid is None and r.reporter_name_masked == "张*" for r in saved)


@pytest.mark.django_db
def test_a_draft_kept_without_a_category_is_sent_back(login, users):
    client = login("worker")
    response = client.post("/requests/wechat/", {
        "village": users["cadre"].area.pk, "drafts-TOTAL_FORMS": "1", "drafts-INITIAL_FORMS": "1",
        "drafts-0-client_id": "6f1c1c1e-8a44-4d47-9c1f-2b1d1f1e1a11", "drafts-0-received_on": today().isoformat(),
        "drafts-0-matter": "路灯坏了", "drafts-0-keep": "on"})
    assert response.status_code == 200 and "请选择类别" in response.content.decode()
    assert Request.objects.count() == 0


@pytest.mark.django_db
def test_another_village_cannot_be_pasted_into(login, users):
    response = login("worker").post("/requests/wechat/", {
        "village": users["cadre2"].area.pk, "drafts-TOTAL_FORMS": "0", "drafts-INITIAL_FORMS": "0"})
    assert response.status_code == 404
