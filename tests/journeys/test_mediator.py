"""The mediator's day: a dispute a grid worker logs on the phone shows up in the mediator's 我的待办
on the home page; the mediator accepts it (confirming who mediates), holds and records the sessions,
settles it and prints the agreement, records the follow-up and closes it — then reports another
case up to the town as urgent, and the town leader finds it in the inbox and acknowledges it."""

import re
import subprocess
import uuid

TERMS = "一、李四于十日内自行疏通两家之间的排水沟。二、李四赔偿张三菜地损失人民币伍佰元整。"


def log_case(journey, title: str, step: str) -> None:
    """The grid worker logs a two-party dispute on the phone, tapping the place on the map."""
    worker = journey.open("worker")
    journey.fill_dispute(worker, title)
    worker.click("main button[type=submit]")
    worker.wait_for_selector("text=已登记")
    journey.shot(worker, step)
    worker.context.close()
    journey.contexts.remove(worker.context)


def from_the_home_page(journey, page, title: str, step: str) -> None:
    page.goto(f"{journey.url}/")
    page.wait_for_selector("#map path.leaflet-interactive")
    task = page.locator(".tasks li", has_text=title)
    task.wait_for()
    assert "待受理" in task.inner_text()
    journey.shot(page, step)
    task.locator("a").click()
    page.wait_for_selector(f"h1:text-is('{title}')")


def act(journey, page, label: str, step: str, fill: dict | None = None, select: dict | None = None,
        check: tuple = ()) -> None:
    """Open an action's form from the case page, fill it (dates keep their default: today), submit."""
    page.click(f".actions a:text-is('{label}')")
    page.wait_for_selector(f"h1:text-is('{label}')")
    for selector, value in (fill or {}).items():
        page.fill(selector, value)
    for selector, value in (select or {}).items():
        page.select_option(selector, value)
    for selector in check:
        page.check(selector)
    journey.shot(page, f"{step}-form")
    page.click("main form.stacked button[type=submit]")
    page.wait_for_selector(f"text=已完成：{label}")
    journey.shot(page, step)


def state_of(page) -> str:
    return page.locator(".page-head .state").inner_text()


def test_the_mediator_takes_a_case_from_the_queue_to_closure_and_reports_another_to_the_town(journey, tmp_path):
    tag = uuid.uuid4().hex[:4]
    first, second = f"邻里排水沟纠纷{tag}", f"两村灌溉用水纠纷{tag}"
    log_case(journey, first, "worker-logged-a-neighbours-dispute")
    log_case(journey, second, "worker-logged-a-dispute-between-villages")

    # The new case waits in the mediator's 我的待办, with its deadline for acceptance.
    mediator = journey.open("mediator", device="desktop", accept_downloads=True)
    from_the_home_page(journey, mediator, first, "home-queue-with-the-new-case")
    assert state_of(mediator) == "已登记" and "受理期限" in mediator.inner_text(".page-head")

    # 受理: the mediator confirms the level and category and takes the case on.
    mediator.click(".actions a:text-is('受理')")
    assert mediator.locator("fieldset.choices input:checked").count() == 1  # the acceptor, by default
    assert mediator.locator("#id_level option").all_inner_texts() == ["村级", "镇级"]
    mediator.go_back()
    act(journey, mediator, "受理", "accepted", fill={"#id_note": "经审查属于人民调解范围，予以受理"})
    assert state_of(mediator) == "已受理" and "镇调解员" in mediator.inner_text(".facts")

    act(journey, mediator, "开始调解", "first-session", fill={
        "#id_place": "古河村调解室", "#id_attendees": "张三、李四、村调委会委员",
        "#id_content": "听取双方陈述，李四承认填堵了排水沟。"})
    act(journey, mediator, "记录调解", "second-session", fill={
        "#id_place": "古河村调解室", "#id_attendees": "张三、李四", "#id_content": "释法说理，双方同意协商赔偿。"})
    assert mediator.locator("article.record").count() == 2
    act(journey, mediator, "调解成功", "settled", fill={"#id_terms": TERMS})
    assert state_of(mediator) == "调解成功"

    # The agreement prints with the terms, the number and the committee's seal line.
    with mediator.expect_download() as download:
        mediator.click("a:has-text('打印调解协议书')")
    pdf = tmp_path / "agreement.pdf"
    download.value.save_as(pdf)
    text = "".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                                  text=True).stdout.split())
    number = mediator.inner_text(".page-head .meta").split(" · ")[0].strip()
    for expected in ("人民调解协议书", number, "".join(TERMS.split()), "人民调解员（签名）", "人民调解委员会（印章）"):
        assert expected in text, expected

    act(journey, mediator, "回访", "followed-up", select={"#id_method": "phone", "#id_satisfaction": "satisfied"},
        fill={"#id_note": "双方已按协议履行，张三满意。"})
    act(journey, mediator, "结案", "closed", fill={"#id_note": "协议已履行完毕"})
    head = mediator.inner_text(".page-head")
    assert state_of(mediator) == "已结案" and "结案于" in head and "期限" not in head
    mediator.goto(f"{journey.url}/")
    mediator.locator(".tasks").wait_for()
    assert first not in mediator.inner_text(".tasks")
    journey.shot(mediator, "home-queue-without-the-closed-case")

    # Another case is beyond the village: the mediator reports it to the town, urgently.
    from_the_home_page(journey, mediator, second, "home-queue-with-the-second-case")
    mediator.click(".actions a:text-is('上报')")
    assert "镇（街道）" in mediator.inner_text("#id_to_level")
    mediator.go_back()
    act(journey, mediator, "上报", "reported-to-the-town", select={"#id_to_level": "town"}, check=("#id_urgent",),
        fill={"#id_reason": "涉及两个村的灌溉渠，需镇里统一协调"})
    assert state_of(mediator) == "已上报" and "镇级" in mediator.inner_text(".page-head")

    # The town leader finds it in the inbox, marked urgent, and acknowledges it.
    leader = journey.open("leader", device="desktop")
    leader.goto(f"{journey.url}/inbox/")
    message = leader.locator(".inbox-list li", has_text=second)
    message.wait_for()
    assert "紧急" in message.inner_text() and "涉及两个村的灌溉渠" in message.inner_text()
    journey.shot(leader, "leader-inbox-with-the-report")
    message.locator("button:text-is('签收')").click()
    leader.wait_for_selector("text=已签收：")
    assert leader.inner_text(".page-head h1") == second and "已签收" in leader.inner_text(".alert-trail")
    journey.shot(leader, "leader-acknowledged-and-opened-the-case")
    leader.goto(f"{journey.url}/inbox/")
    assert re.search(r"已于 \d\d:\d\d 签收", leader.locator(".inbox-list li", has_text=second).inner_text())

    # And it is on the leader's own list, waiting for the town to accept it.
    leader.goto(f"{journey.url}/")
    leader.wait_for_selector("#map path.leaflet-interactive")
    task = leader.locator(".tasks li", has_text=second)
    task.wait_for()
    assert "上报待受理" in task.inner_text()
    journey.shot(leader, "leader-home-queue")
