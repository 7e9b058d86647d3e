"""The village cadre's journey, 三事分流 → 援法议事, through the UI only: a resident's request is
registered and triaged 小事 转援法议事, which leads to its topic; the topic is taken up, put on a
meeting, decided with a vote, reviewed by the legal adviser and publicised; a resident objects from
the public board on a phone and is answered; once the publicity period is over the decision is
carried out and reported done. (The oversight group's confirmation is not walked yet: the demo
`supervisor` login did not get past the login form in the first run.)"""

import re
import time
import uuid

VILLAGE = "321302112210"  # 古河村, the demo cadre's village


def wait_for_state(page, label: str, seconds: float = 150):
    """Reload the topic page until it shows `label`: the beat's rules sweep runs once a minute."""
    deadline = time.monotonic() + seconds
    while label not in page.inner_text(".page-head .meta"):
        assert time.monotonic() < deadline, f"the topic did not become {label} within {seconds} s"
        page.wait_for_timeout(3000)
        page.reload()


def test_a_resident_request_becomes_a_deliberation_topic_and_is_carried_out(journey):
    tag = uuid.uuid4().hex[:4]
    matter = f"小区东门电动车乱停，堵住消防通道（{tag}）"
    cadre = journey.open("cadre", device="desktop")

    # A resident comes to the village office; the cadre registers the request.
    cadre.goto(f"{journey.url}/requests/new/")
    cadre.select_option("#id_channel", "visit")
    cadre.select_option("#id_category", label="停车与充电桩")
    cadre.fill("#id_matter", f"{matter}\n晚上车多时消防车进不来")
    cadre.fill("#id_reporter_name", "王秀兰")
    cadre.fill("#id_contact", "13912345678")
    journey.shot(cadre, "request-form", full_page=True)
    cadre.click("main form button[type=submit]")
    cadre.wait_for_url(re.compile(r"/requests/\d+/$"))
    request_url = cadre.url
    number = cadre.inner_text(".page-head .meta").split(" · ")[0].strip()
    journey.shot(cadre, "request-registered")

    # 三事分流: a 小事 for the village, to be deliberated (转援法议事) — straight to the topic form.
    cadre.click(".page-head .actions >> text=分流")
    cadre.check("input[name=kind][value=minor]")
    cadre.select_option("#id_handling", "deliberation")
    journey.shot(cadre, "triage-minor-deliberation", full_page=True)
    cadre.click("main form button[type=submit]")
    cadre.wait_for_url(re.compile(r"/deliberation/new/\?request="))
    assert cadre.input_value("#id_title") == matter
    assert cadre.input_value("#id_request_number") == number and cadre.input_value("#id_source") == "request"
    assert "王秀兰" not in cadre.content() and "13912345678" not in cadre.content()
    cadre.select_option("#id_list_item", label="车辆乱停乱放")
    cadre.fill("#id_place", "小区东门")
    journey.shot(cadre, "topic-form-from-request", full_page=True)
    cadre.click("main form button[type=submit]")
    cadre.wait_for_url(re.compile(r"/deliberation/\d+/$"))
    topic_url = cadre.url
    topic_id = int(topic_url.rstrip("/").rsplit("/", 1)[1])
    assert "议题已登记" in cadre.inner_text("main")
    journey.shot(cadre, "topic-registered")

    # The request now waits on its topic, and links to it.
    cadre.goto(request_url)
    assert "议事中" in cadre.inner_text(".page-head .meta")
    assert cadre.locator(f"a[href='/deliberation/{topic_id}/']").count() == 1
    assert cadre.locator(".page-head .actions >> text=转援法议事").count() == 0
    journey.shot(cadre, "request-deliberating")

    # The leading group takes the topic up.
    cadre.goto(topic_url)
    cadre.click(".page-head .actions >> text=采纳议题")
    cadre.click("main form button[type=submit]")
    cadre.wait_for_selector("text=已完成：采纳议题")
    assert "待上会" in cadre.inner_text(".page-head .meta")

    # The monthly meeting: convened, the topic on its agenda, discussed and voted.
    cadre.goto(f"{journey.url}/deliberation/meetings/new/")
    cadre.fill("#id_place", f"古河村党群服务中心（{tag}）")
    for i, name in enumerate(["王书记", "李律师", "赵网格", "钱调解", "孙明白", "周代表"]):
        cadre.fill(f"#id_att-{i}-name", name)
    cadre.uncheck("#id_att-4-present")
    journey.shot(cadre, "meeting-form", full_page=True)
    cadre.click("main form button[type=submit]")
    cadre.wait_for_url(re.compile(r"/deliberation/meetings/\d+/$"))
    assert "出席 5 / 6" in cadre.inner_text("main")
    cadre.select_option("select[name=topic]", str(topic_id))
    cadre.click("form[action$='/schedule/'] button[type=submit]")
    record = cadre.locator("article.record", has_text=matter)
    record.locator("textarea[name$=discussion]").fill("与会人员一致认为应在东门划定电动车停放区，并张贴告示。")
    record.locator("textarea[name$=decision]").fill("十日内在东门外侧划定电动车停放区，消防通道两侧设禁停标识。")
    record.locator("input[name$=votes_for]").fill("4")
    record.locator("input[name$=votes_against]").fill("1")
    record.locator("input[name$=votes_abstain]").fill("0")
    journey.shot(cadre, "minutes", full_page=True)
    record.locator("button[type=submit]", has_text="保存议事结果").click()
    cadre.wait_for_selector("text=已记录议事结果")
    assert "赞成 4，反对 1，弃权 0" in cadre.inner_text("main")
    journey.shot(cadre, "meeting-decided", full_page=True)

    # The legal adviser finds it in the review queue and approves it: publicity starts.
    adviser = journey.open("adviser", device="desktop")
    adviser.goto(f"{journey.url}/deliberation/reviews/")
    journey.shot(adviser, "adviser-review-queue")
    adviser.click(f"a[href='/deliberation/{topic_id}/']")
    adviser.click(".page-head .actions >> text=法律审核通过")
    adviser.fill("#id_opinion", "划定停放区属村民自治事项，程序合法。")
    adviser.click("main form button[type=submit]")
    adviser.wait_for_selector("text=已完成：法律审核通过")
    assert "公示中" in adviser.inner_text(".page-head .meta")
    journey.shot(adviser, "approved-publicity")

    # A resident reads the village board on a phone, without logging in, and objects.
    resident = journey.open(None, device="phone")
    resident.goto(f"{journey.url}/public/{VILLAGE}/")
    board = resident.locator(f"#topic-{topic_id}")
    assert "十日内在东门外侧划定电动车停放区" in board.inner_text()
    board.locator("summary").click()
    board.locator("input[name=name]").fill("孙大妈")
    board.locator("input[name=contact]").fill("abc")
    board.locator("textarea[name=text]").fill("停放区不要占用老人晒太阳的空地。")
    with journey.expect_error(r"400"):  # the form comes back with its error (and the browser logs the 400)
        board.locator("button[type=submit]").click()
        resident.wait_for_selector("text=请填写正确的电话号码")
    journey.shot(resident, "objection-wrong-phone", full_page=True)
    board = resident.locator(f"#topic-{topic_id}")
    assert board.locator("textarea[name=text]").input_value() == "停放区不要占用老人晒太阳的空地。"
    board.locator("input[name=contact]").fill("13700001111")
    board.locator("button[type=submit]").click()
    resident.wait_for_selector("text=您的异议已提交")
    assert "13700001111" not in resident.content() and "137****1111" not in resident.content()
    journey.shot(resident, "objection-lodged", full_page=True)

    # The cadre sees the objection with the phone to call back, answers it, and the publicity goes on.
    cadre.goto(topic_url)
    assert "异议处理中" in cadre.inner_text(".page-head .meta")
    assert "联系电话 13700001111" in cadre.inner_text("main")
    cadre.fill("textarea[name=answer]", "已电话联系孙大妈：停放区设在东门外侧，不占用空地。")
    cadre.click("form[action$='/answer/'] button[type=submit]")
    cadre.wait_for_selector("text=已答复异议")
    cadre.click(".page-head .actions >> text=答复完毕，继续公示")
    cadre.click("main form button[type=submit]")
    cadre.wait_for_selector("text=已完成：答复完毕，继续公示")
    journey.shot(cadre, "objection-answered", full_page=True)

    # Seven days go by. Only the clock is moved — the publicity period is made to have begun a week
    # ago; the beat's rules sweep (公示期满) then moves the topic on as it would on the eighth day.
    journey.sql("UPDATE deliberation_topic SET publicity_started_at = now() - interval '7 days 1 minute',"
                " publicity_ends_at = now() - interval '1 minute', next_check_at = now() WHERE id = %s RETURNING id",
                topic_id)
    cadre.goto(topic_url)
    wait_for_state(cadre, "执行中")
    journey.shot(cadre, "executing")

    # Execution: a named person and a deadline, progress, reported done.
    cadre.click(".page-head .actions >> text=明确责任人与期限")
    cadre.fill("#id_responsible_name", "村委委员王强")
    cadre.fill("#id_deadline", time.strftime("%Y-%m-%d", time.localtime(time.time() + 10 * 86400)))
    cadre.click("main form button[type=submit]")
    cadre.wait_for_selector("text=已完成：明确责任人与期限")
    cadre.click(".page-head .actions >> text=登记执行进展")
    cadre.fill("#id_note", "已划线并设置禁停标识牌两块。")
    cadre.click("main form button[type=submit]")
    cadre.wait_for_selector("text=已完成：登记执行进展")
    cadre.click(".page-head .actions >> text=报告完成")
    cadre.fill("#id_reason", "停放区已启用，消防通道保持畅通。")
    cadre.click("main form button[type=submit]")
    cadre.wait_for_selector("text=已完成：报告完成")
    assert "待监督确认" in cadre.inner_text(".page-head .meta")
    journey.shot(cadre, "completion-reported", full_page=True)
    assert journey.sql("SELECT r.state, t.state FROM requests_request r JOIN deliberation_topic t ON t.request_id = r.id"
                       " WHERE t.id = %s", topic_id) == [("deliberating", "completion_reported")]
