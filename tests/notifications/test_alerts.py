"""Urgent alerts: they must be acknowledged (签收); silence is sent again and to the next person of
the area's escalation policy; an acknowledgement stops it; every step shows on the case page."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from geodata.models import Area, Level
from gridcase.accounts.models import User
from gridcase.escalation.models import Rule
from gridcase.lib import clock
from gridcase.notifications.models import Alert, ContactPreference, Delivery, EscalationPolicy, Notification, PolicyStep
from gridcase.notifications.services import (
    alert_acknowledge,
    alert_raise,
    alerts_escalate_silent,
    deliveries_requeue_stale,
    delivery_send,
    notify,
)
from tests.conftest import GUHE, TUYUAN

pytestmark = pytest.mark.django_db


def tuyuan_policy() -> EscalationPolicy:
    """屠园镇: the town leader first (the rule's people), then the mediator as deputy, then the county admin on duty."""
    policy = EscalationPolicy.objects.create(name="屠园镇紧急事项", area=Area.objects.get(code=TUYUAN))
    PolicyStep.objects.create(policy=policy, order=1).users.add(User.objects.get(username="mediator"))
    PolicyStep.objects.create(policy=policy, order=2, role="county_admin", level=Level.COUNTY)
    return policy


@pytest.fixture
def policy(users):
    return tuyuan_policy()


def raise_alert(users, **fields):
    fields = {"recipients": [users["leader"]], "kind": "case.escalated", "title": "群体性纠纷直接上报乡镇",
              "url": "/cases/1/", "subject_kind": "case", "subject_id": 1, "area_code": GUHE, "ack_minutes": 15,
              **fields}
    return alert_raise(**fields)


def told(alert):
    return sorted(Notification.objects.filter(alert=alert).values_list("recipient__username", flat=True))


def test_silence_is_sent_again_and_to_the_next_step_until_the_policy_ends(users, policy):
    alert = raise_alert(users)
    start = alert.created_at

    assert alerts_escalate_silent(now=start + timedelta(minutes=14)) == 0
    assert alerts_escalate_silent(now=start + timedelta(minutes=15)) == 1
    assert told(alert) == ["leader", "leader", "mediator"]
    assert alerts_escalate_silent(now=start + timedelta(minutes=16)) == 0  # the next look is 15 minutes on

    assert alerts_escalate_silent(now=start + timedelta(minutes=30)) == 1
    assert told(alert).count("admin") == 1 and told(alert).count("admin2") == 1  # both county admins of 宿城区
    assert alerts_escalate_silent(now=start + timedelta(minutes=45)) == 1  # the last reminder to everyone
    alert.refresh_from_db()
    assert alert.next_escalation_at is None and alert.step == 2
    assert alerts_escalate_silent(now=start + timedelta(hours=5)) == 0


def test_an_acknowledgement_stops_the_escalation_and_the_first_one_stays(users, policy):
    alert = raise_alert(users)
    first = alert.notifications.get()

    acknowledged = alert_acknowledge(user=users["leader"], notification_id=first.pk)
    assert acknowledged.acknowledged_by == users["leader"] and acknowledged.next_escalation_at is None
    assert alerts_escalate_silent(now=alert.created_at + timedelta(hours=1)) == 0
    assert told(alert) == ["leader"]


def test_only_a_person_who_was_told_can_acknowledge(users, policy, login):
    alert = raise_alert(users)
    notification = alert.notifications.get()

    response = login("leader2").post(reverse("notifications:acknowledge", args=[notification.pk]))
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_the_link_in_the_message_opens_a_page_and_only_its_button_acknowledges(users, policy, login):
    alert = raise_alert(users)
    notification = alert.notifications.get()
    url = reverse("notifications:acknowledge", args=[notification.pk])
    client = login("leader")

    page = client.get(url)  # what a chat app's link preview does, too
    assert page.status_code == 200 and "签收并查看" in page.content.decode()
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None

    response = client.post(url)
    assert response.status_code == 302 and response.url == "/cases/1/"
    assert Alert.objects.get(pk=alert.pk).acknowledged_by == users["leader"]


def test_the_link_asks_for_a_login_first_and_comes_back(client, users, policy):
    notification = raise_alert(users).notifications.get()
    url = reverse("notifications:acknowledge", args=[notification.pk])

    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith(reverse("login")) and "next=" in response.url


def test_quiet_hours_hold_back_a_plain_notification_but_not_an_alert(users, settings):
    settings.NOTIFICATION_CHANNELS = ["gridcase.notifications.channels.LoggingChannel"]
    ContactPreference.objects.create(user=users["leader"], quiet_from=time(22), quiet_until=time(7))
    night = timezone.localtime(clock.now()).replace(hour=23, minute=30)  # Asia/Shanghai

    with clock.travel(night):
        [plain] = notify(recipients=[users["leader"]], kind="case.escalated", title="纠纷已上报", url="/cases/1/")
        alert = raise_alert(users)
    held, urgent = plain.deliveries.get(), alert.notifications.get().deliveries.get()
    assert held.not_before is not None and timezone.localtime(held.not_before).hour == 7 and held.not_before > night
    assert urgent.not_before is None

    with clock.travel(night + timedelta(minutes=5)):
        assert delivery_send(delivery_id=held.pk, max_attempts=6) is None
        assert delivery_send(delivery_id=urgent.pk, max_attempts=6).status == Delivery.Status.SENT
    with clock.travel(held.not_before + timedelta(minutes=1)):
        assert delivery_send(delivery_id=held.pk, max_attempts=6).status == Delivery.Status.SENT


def test_a_delivery_a_worker_died_sending_is_marked_failed_and_never_sent_twice(users):
    delivery = raise_alert(users).notifications.get().deliveries.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.SENDING, attempts=1,
                                                   updated_at=clock.now() - timedelta(hours=1))

    deliveries_requeue_stale()
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and "结果未知" in delivery.last_error
    assert delivery_send(delivery_id=delivery.pk, max_attempts=6) is None


def test_an_urgent_rule_raises_an_alert_for_a_crowd_dispute_and_the_case_page_shows_its_trail(
        users, make_case, login, policy):
    assert Rule.objects.get(name="群体性纠纷直接上报乡镇").urgent
    case = make_case(title="古河村 12 户因排水沟堵塞聚集", people_involved=12)

    alert = Alert.objects.get(subject_kind="case", subject_id=case.pk)
    assert "leader" in told(alert) and alert.area_code == case.grid.code
    notification = alert.notifications.get(recipient=users["leader"])
    alert_acknowledge(user=users["leader"], notification_id=notification.pk)

    page = login("mediator").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "紧急提醒与签收" in page and "已签收" in page and "站内日志" in page


def test_the_dashboard_gives_the_minutes_to_acknowledge_at_the_50th_and_90th_percentile(users):
    from gridcase.dashboards.measures import registry
    from gridcase.dashboards.periods import Period

    now = timezone.localtime(clock.now())
    for minutes, code in [(3, GUHE), (20, GUHE), (40, "321302101001")]:  # the last one in 耿车镇
        alert = raise_alert(users, area_code=code)
        Alert.objects.filter(pk=alert.pk).update(acknowledged_at=alert.created_at + timedelta(minutes=minutes))
    raise_alert(users)  # never acknowledged: not in the figures
    month = Period("month", now.date().replace(day=1), (now.date().replace(day=1) + timedelta(days=32)).replace(day=1))

    town = registry.figures(["alert_ack_p50", "alert_ack_p90"], code=TUYUAN, period=month)
    # 180 s and 1,200 s: the median is 690 s (11.5 min), the 90th percentile 1,098 s (18.3 min).
    assert (town["alert_ack_p50"].num, town["alert_ack_p50"].den) == (12, 2)
    assert town["alert_ack_p90"].num == 18
    series = registry.series(["alert_ack_p50"], code=TUYUAN, periods=[month.previous(), month])["alert_ack_p50"]
    assert [f.den for f in series] == [0, 2] and series[1] == town["alert_ack_p50"]
    towns = registry.children(["alert_ack_p50"], code="321302", child_length=9, period=month)["alert_ack_p50"]
    assert towns[TUYUAN] == town["alert_ack_p50"] and towns["321302101"].num == 40
    assert all(f.den == 0 for c, f in towns.items() if c not in {TUYUAN, "321302101"}) and len(towns) == 18


def test_a_person_sets_their_own_channels_phone_and_quiet_hours(login, users):
    client = login("leader")
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200 and "接收渠道" in page.content.decode()

    bad = client.post(reverse("notifications:settings"), {"phone": "12345", "quiet_from": "22:00"})
    assert bad.status_code == 200 and "请输入 11 位手机号" in bad.content.decode()
    assert "须同时填写开始和结束时间" in bad.content.decode()

    saved = client.post(reverse("notifications:settings"), {"phone": "138 1234 5678", "email": "leader@tuyuan.example",
                                                            "quiet_from": "22:00", "quiet_until": "07:00", "channels": ["log"]})
    assert saved.status_code == 302
    contact = ContactPreference.objects.get(user=users["leader"])
    assert contact.phone == "13812345678" and "1381234" not in contact.phone_encrypted  # kept encrypted
    assert contact.channels == ["log"] and contact.quiet_from == time(22)
