"""In a real browser: the cadre picks the meeting's place on the village map; a resident objects on
the public board from a phone, without logging in."""

import pytest

from gridcase.accounts.models import User
from gridcase.deliberation import services
from gridcase.deliberation.models import ListItem, Meeting, State, Topic
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

def publicised_topic() -> Topic:
    cadre, adviser = User.objects.get(username="cadre"), User.objects.get(username="adviser")
    village = cadre.area
    topic = services.topic_propose(actor=User.objects.get(username="worker"), village=village, title="清理小区僵尸车",
                                   list_item=ListItem.objects.get(code="R08"), proposer_name="张秀英",
                                   proposer_phone="13812345678")
    services.topic_accept(topic=topic, actor=cadre)
    meeting = services.meeting_create(actor=cadre, village=village, held_at=topic.registered_at, place="村部",
                                      attendees=[services.AttendeeInput(role="committee", name="王书记")])
    item = services.meeting_add_topic(meeting=meeting, actor=cadre, topic=topic)
    services.minutes_record(item=item, actor=cadre, discussion="讨论", decision="张贴通知十五日后清理", votes_for=1,
                            votes_against=0, votes_abstain=0)
    return services.legal_review(topic=topic, actor=adviser, approve=True, opinion="合法")


def test_a_resident_objects_on_the_public_board_from_a_phone(browser, live_url, committed_deliberation):
    topic = publicised_topic()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_url}/public/{topic.village_code}/")
        text = page.inner_text("main")
        assert "清理小区僵尸车" in text and "张贴通知十五日后清理" in text
        assert "张秀英" not in text and "王书记" not in text and "5678" not in text
        page.click("summary")
        page.fill("textarea[name=text]", "请先联系车主再清理")
        page.click(f"#topic-{topic.pk} button[type=submit]")
        page.wait_for_selector("text=您的异议已提交")
        page.screenshot(path=str(ARTIFACTS / "deliberation-public-objection-phone.png"), full_page=True)
        topic.refresh_from_db()
        assert topic.state == State.OBJECTED and topic.objections.get().text == "请先联系车主再清理"
    finally:
        context.close()


def test_the_cadre_picks_the_meeting_place_on_the_village_map(browser, live_url, committed_deliberation):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(f"{live_url}/accounts/login/")
        page.fill("input[name=username]", "cadre")
        page.fill("input[name=password]", "gridcase-demo")
        page.click("button[type=submit]")
        page.goto(f"{live_url}/deliberation/meetings/new/")
        page.wait_for_selector("#place-map path.leaflet-interactive")
        box = page.locator("#place-map path.leaflet-interactive").first.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.input_value("#id_lon") and page.input_value("#id_lat")
        page.fill("#id_place", "古河村文化广场")
        page.fill("#id_att-0-name", "王书记")
        page.fill("#id_att-1-name", "李律师")
        page.uncheck("#id_att-1-present")
        page.click("main button[type=submit]")
        page.wait_for_selector("text=出席 1 / 2")
        page.screenshot(path=str(ARTIFACTS / "deliberation-meeting.png"), full_page=True)
        meeting = Meeting.objects.get(place="古河村文化广场")
        assert meeting.village.geom.covers(meeting.location)
    finally:
        context.close()


