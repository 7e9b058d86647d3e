"""An urgent alert reaches people and waits for an answer: a crowd dispute logged on a phone reaches
the town leader's 企业微信 group and mailbox within seconds, is sent again and to the next person
when nobody acknowledges (签收), stops when someone does, and all of it shows on the case page."""

import email
import re
import time
from email.policy import default as email_policy

CROWD = "古河村十二户因排水沟堵塞聚集争吵"


def wait_until(condition, seconds: float, what: str, journey=None):
    deadline = time.monotonic() + seconds
    while not (found := condition()):
        # What the deliveries say is the first thing to read when a message is late.
        assert time.monotonic() < deadline, f"{what} did not happen within {seconds} s" + (
            f"; deliveries: {deliveries(journey)}; outbox: {journey.sql('SELECT * FROM outbox_message')}" if journey else "")
        time.sleep(0.25)
    return found


def deliveries(journey) -> list[tuple]:
    return journey.sql("SELECT d.channel, n.recipient_id, d.status, d.attempts, d.last_error, d.updated_at"
                       " FROM notifications_delivery d JOIN notifications_notification n ON n.id = d.notification_id"
                       " ORDER BY d.id")


def wecom_texts(journey, needle: str) -> list[str]:
    return [r.json["markdown"]["content"] for r in journey.outside.wecom.requests
            if needle in r.json["markdown"]["content"]]


def mails_to(journey, address: str) -> list:
    return [email.message_from_bytes(m.original_content, policy=email_policy) for m in journey.outside.mailbox.messages
            if address in m.rcpt_tos]


def test_a_crowd_dispute_alerts_the_town_leader_escalates_on_silence_and_stops_at_acknowledgement(journey):
    # The town leader says where to reach them.
    leader = journey.open("leader", device="desktop")
    leader.goto(f"{journey.url}/inbox/")
    leader.click("text=接收设置")
    leader.fill("#id_email", "leader@tuyuan.example")
    journey.shot(leader, "leader-contact-settings")
    leader.click("main button[type=submit]")
    leader.wait_for_selector("text=接收设置已保存")

    # The county admin gives crowd disputes one minute to be acknowledged (15 by default).
    admin = journey.open("admin", device="desktop")
    admin.goto(f"{journey.url}/rules/")
    admin.locator("tr", has_text="群体性纠纷直接上报乡镇").locator("text=编辑").click()
    assert admin.is_checked("#id_urgent")
    admin.fill("#id_ack_minutes", "1")
    journey.shot(admin, "rule-one-minute-to-acknowledge", full_page=True)
    admin.click("main button[type=submit]")
    admin.wait_for_url(f"{journey.url}/rules/")

    # A grid worker logs a dispute of twelve people on the phone.
    worker = journey.open("worker")
    journey.fill_dispute(worker, CROWD, people=12)
    worker.click("main button[type=submit]")
    worker.wait_for_selector("text=已上报")
    logged = time.monotonic()
    journey.shot(worker, "worker-logged-crowd-dispute")

    # Within seconds, the town leader's 企业微信 group and mailbox have it, with the link to acknowledge.
    # (Seconds as a rule; the bound leaves room for the sweep that queues again a delivery whose task was lost.)
    [first] = wait_until(lambda: wecom_texts(journey, "致：屠园镇"), 75, "the 企业微信 message", journey)
    [mail] = wait_until(lambda: mails_to(journey, "leader@tuyuan.example"), 75, "the e-mail", journey)
    reached = time.monotonic() - logged
    assert "【紧急】" in first and "签收并查看" in first
    assert str(mail["Subject"]).strip().startswith("【紧急】")
    ack_link = re.search(r"(http://\S+/inbox/\d+/ack/)", mail.get_content()).group(1)
    assert ack_link.startswith(journey.url)
    print(f"alert reached 企业微信 and the mailbox {reached:.1f} s after the phone's send")

    # Nobody acknowledges: after the minute it goes out again, and to the next person (the town's mediator).
    def second_round():
        texts = wecom_texts(journey, "第 2 次提醒")
        return len(texts) >= 2 and texts

    again = wait_until(second_round, 90, "the second round")
    assert sorted(re.search(r"致：(\S+)", text).group(1) for text in again) == ["屠园镇调解员", "屠园镇镇领导"]

    # The leader opens the link in the e-mail and acknowledges; the case page shows the whole trail.
    leader.goto(ack_link)
    journey.shot(leader, "acknowledge-page")
    leader.click("text=签收并查看")
    leader.wait_for_selector("text=已签收")
    trail = leader.locator(".alert-trail").inner_text()
    assert "企业微信" in trail and "邮件" in trail and "屠园镇调解员" in trail and "已签收" in trail
    journey.shot(leader, "case-page-with-the-alert-trail", full_page=True)

    # It stops: two more sweeps later nothing more went out, and nothing is due.
    sent = len(journey.outside.wecom.requests)
    time.sleep(11)
    assert len(journey.outside.wecom.requests) == sent
    assert journey.sql("SELECT count(*) FROM notifications_alert a JOIN cases_case c ON c.id = a.subject_id"
                       " WHERE a.subject_kind = 'case' AND c.title = %s AND a.acknowledged_at IS NOT NULL"
                       " AND a.next_escalation_at IS NULL", CROWD) == [(1,)]
