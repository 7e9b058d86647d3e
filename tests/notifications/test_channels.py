"""The outside channels against real local servers: what each sends, how each fails, and that a
failure is recorded for a retry (or for good when no retry can help) without stopping the others."""

import base64
import hashlib
import hmac
import subprocess
import sys
import urllib.parse

import pytest

from gridcase.notifications.channels import webhook_signature
from gridcase.notifications.models import ContactPreference, Delivery
from gridcase.notifications.services import DeliveryFailed, alert_raise, delivery_send, notify
from tests.conftest import ROOT
from tests.notifications.servers import http_recorder, smtp_server

pytestmark = pytest.mark.django_db
CHANNELS = "gridcase.notifications.channels."
PENDING, SENT, FAILED = Delivery.Status.PENDING, Delivery.Status.SENT, Delivery.Status.FAILED


@pytest.fixture
def server():
    recorder, stop = http_recorder()
    yield recorder
    stop()


@pytest.fixture
def leader(users):
    leader = users["leader"]
    contact = ContactPreference(user=leader, email="leader@tuyuan.example", wecom_userid="TuYuanLeader")
    contact.phone = "13812345678"
    contact.save()
    return leader


def send_all(notification, attempts=6):
    """Send each of the notification's deliveries once, in this process; returns them, reloaded."""
    for delivery in notification.deliveries.all():
        try:
            delivery_send(delivery_id=delivery.pk, max_attempts=attempts)
        except DeliveryFailed:
            pass
    return {d.channel.rsplit(".", 1)[-1]: d for d in notification.deliveries.all()}


def urgent(leader):
    alert = alert_raise(recipients=[leader], kind="case.escalated", title="群体性纠纷：古河村 12 户排水纠纷",
                        body="涉及 12 人，已上报至屠园镇", url="/cases/7/", subject_kind="case", subject_id=7,
                        area_code="321302112210")
    return alert.notifications.get()


def test_wecom_robot_gets_markdown_with_the_ack_link_and_the_person_mentioned(settings, server, leader):
    settings.NOTIFICATION_CHANNELS = [CHANNELS + "WeComRobotChannel"]
    settings.WECOM_WEBHOOK_URL = f"{server.url}/cgi-bin/webhook/send?key=test-key"
    settings.SITE_URL = "https://gridcase.example"

    notification = urgent(leader)
    assert send_all(notification)["WeComRobotChannel"].status == SENT

    [got] = server.requests
    assert got.path == "/cgi-bin/webhook/send" and got.query == {"key": "test-key"}
    assert got.json["msgtype"] == "markdown"
    content = got.json["markdown"]["content"]
    assert "【紧急】群体性纠纷" in content and "<@TuYuanLeader>" in content
    assert f"https://gridcase.example/inbox/{notification.pk}/ack/" in content


def test_a_robot_that_answers_200_with_an_error_code_has_not_sent(settings, server, leader):
    settings.NOTIFICATION_CHANNELS = [CHANNELS + "WeComRobotChannel"]
    settings.WECOM_WEBHOOK_URL = f"{server.url}/send?key=k"
    server.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}

    delivery = send_all(urgent(leader))["WeComRobotChannel"]
    assert delivery.status == PENDING and delivery.attempts == 1
    assert "93000" in delivery.last_error and "invalid webhook url" in delivery.last_error


def test_dingtalk_robot_signs_each_call_as_its_docs_say(settings, server, leader):
    secret = "SECtest0123456789"
    settings.NOTIFICATION_CHANNELS = [CHANNELS + "DingTalkRobotChannel"]
    settings.DINGTALK_WEBHOOK_URL = f"{server.url}/robot/send?access_token=tok"
    settings.DINGTALK_SECRET = secret

    assert send_all(urgent(leader))["DingTalkRobotChannel"].status == SENT

    [got] = server.requests
    timestamp = got.query["timestamp"]
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest())
    assert got.query["access_token"] == "tok" and got.query["sign"] == expected.decode()
    assert got.json["msgtype"] == "markdown" and got.json["at"]["atMobiles"] == ["13812345678"]


def test_email_goes_to_the_person_through_a_real_smtp_server(settings, leader):
    mailbox, port, stop = smtp_server()
    try:
        settings.NOTIFICATION_CHANNELS = [CHANNELS + "EmailChannel"]
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        notification = urgent(leader)
        assert send_all(notification)["EmailChannel"].status == SENT
        [message] = mailbox.wait(1)
    finally:
        stop()
    assert message.rcpt_tos == ["leader@tuyuan.example"]
    text = message.content.decode()
    assert f"/inbox/{notification.pk}/ack/" in text


def sms_settings(settings, server):
    settings.NOTIFICATION_CHANNELS = [CHANNELS + "SmsGatewayChannel", CHANNELS + "LoggingChannel"]
    settings.SMS_GATEWAY_URL = f"{server.url}/sms/send"
    settings.SMS_GATEWAY_TEMPLATE = '{"mobiles": ["{phone}"], "content": "{text}", "sign": "{signature}"}'
    settings.SMS_SIGNATURE = "【屠园镇综治中心】"
    settings.SMS_GATEWAY_SUCCESS = "code=0"


def test_sms_fills_the_gateways_template_and_checks_its_answer(settings, server, leader):
    sms_settings(settings, server)
    server.answer = {"code": 0, "msg": "成功"}

    assert send_all(urgent(leader))["SmsGatewayChannel"].status == SENT
    body = server.requests[0].json
    assert body["mobiles"] == ["13812345678"] and body["sign"] == "【屠园镇综治中心】"
    assert body["content"].startswith("【屠园镇综治中心】群体性纠纷")


def test_a_gateway_that_answers_200_with_an_error_body_is_a_failed_attempt_with_the_phone_masked(
        settings, server, leader, caplog):
    sms_settings(settings, server)
    server.answer = {"code": 4085, "msg": "余额不足"}

    delivery = send_all(urgent(leader), attempts=1)["SmsGatewayChannel"]
    assert delivery.status == FAILED and "code=4085" in delivery.last_error
    assert "138****5678" in delivery.last_error
    assert "13812345678" not in delivery.last_error and "13812345678" not in caplog.text


def test_a_person_without_a_phone_fails_the_sms_at_once_and_the_other_channels_still_go(settings, server, users):
    sms_settings(settings, server)

    deliveries = send_all(urgent(users["mediator"]))
    assert deliveries["SmsGatewayChannel"].status == FAILED and deliveries["SmsGatewayChannel"].attempts == 1
    assert "没有手机号" in deliveries["SmsGatewayChannel"].last_error
    assert deliveries["LoggingChannel"].status == SENT
    assert server.requests == []


@pytest.mark.parametrize("trouble", ["500", "hang", "refused"])
def test_a_gateway_that_fails_or_hangs_leaves_the_delivery_for_a_retry(settings, server, leader, trouble):
    sms_settings(settings, server)
    settings.NOTIFICATION_TIMEOUT_SECONDS = 1
    if trouble == "500":
        server.status = 500
    elif trouble == "hang":
        server.hang = 3
    else:
        settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/sms"  # nothing listens on the discard port

    delivery = send_all(urgent(leader))["SmsGatewayChannel"]
    assert delivery.status == PENDING and delivery.attempts == 1
    assert {"500": "HTTP 500", "hang": "无法连接", "refused": "无法连接"}[trouble] in delivery.last_error


def test_the_webhook_is_signed_over_its_body_and_timestamp(settings, server, leader):
    secret = "county-platform-secret"
    settings.NOTIFICATION_CHANNELS = [CHANNELS + "SignedWebhookChannel"]
    settings.ALERT_WEBHOOK_URL = f"{server.url}/hooks/gridcase"
    settings.ALERT_WEBHOOK_SECRET = secret

    notification = urgent(leader)
    assert send_all(notification)["SignedWebhookChannel"].status == SENT

    [got] = server.requests
    timestamp, signature = got.headers["X-Gridcase-Timestamp"], got.headers["X-Gridcase-Signature"]
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + got.body, hashlib.sha256).hexdigest()
    assert signature == expected == webhook_signature(secret, timestamp, got.body)
    assert got.headers["X-Gridcase-Delivery"] == str(notification.pk)
    assert got.json["urgent"] is True and got.json["subject"] == {"kind": "case", "id": 7}
    # Changing one byte of the body breaks the signature: a receiver refuses what was tampered with.
    assert webhook_signature(secret, timestamp, got.body.replace(b"7", b"8")) != signature


def test_a_person_who_chose_channels_gets_only_those(settings, server, leader):
    sms_settings(settings, server)
    ContactPreference.objects.filter(user=leader).update(channels=["log"])

    [notification] = notify(recipients=[leader], kind="case.escalated", title="纠纷已上报至镇", url="/cases/7/")
    assert [d.channel for d in notification.deliveries.all()] == [CHANNELS + "LoggingChannel"]


def run_django_setup(**env) -> subprocess.CompletedProcess:
    production = {"SECRET_KEY": "k" * 50, "ALLOWED_HOSTS": "gridcase.example",
                  "FIELD_ENCRYPTION_KEYS": "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE=",
                  "DATABASE_URL": "postgis://gridcase:gridcase@127.0.0.1:5432/gridcase",
                  "PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "gridcase.settings"}
    return subprocess.run([sys.executable, "-c", "import django; django.setup()"], cwd=ROOT,
                          env={**production, **env}, capture_output=True, text=True)


def test_a_channel_listed_without_its_secret_stops_the_start_with_a_clear_error():
    result = run_django_setup(NOTIFICATION_CHANNELS=CHANNELS + "DingTalkRobotChannel",
                              DINGTALK_WEBHOOK_URL="https://oapi.dingtalk.com/robot/send?access_token=x")
    assert result.returncode != 0 and "DINGTALK_SECRET must be set" in result.stderr
    configured = run_django_setup(NOTIFICATION_CHANNELS=CHANNELS + "DingTalkRobotChannel",
                                  DINGTALK_WEBHOOK_URL="https://oapi.dingtalk.com/robot/send?access_token=x",
                                  DINGTALK_SECRET="SECx")
    assert configured.returncode == 0, configured.stderr


def test_an_sms_template_that_is_not_json_stops_the_start():
    result = run_django_setup(NOTIFICATION_CHANNELS=CHANNELS + "SmsGatewayChannel", SMS_GATEWAY_URL="http://sms",
                              SMS_SIGNATURE="【x】", SMS_GATEWAY_TEMPLATE="mobile={phone}")
    assert result.returncode != 0 and "SMS_GATEWAY_TEMPLATE is not JSON" in result.stderr


def test_the_dingtalk_signature_matches_the_documented_example():
    # Recomputed by hand from the documented recipe: base64(HMAC-SHA256(secret, "ts\nsecret")), then URL-encoded.
    from gridcase.notifications.channels import dingtalk_sign

    secret, ts = "SEC000", 1700000000000
    raw = base64.b64encode(hmac.new(b"SEC000", b"1700000000000\nSEC000", hashlib.sha256).digest()).decode()
    assert dingtalk_sign(secret, ts) == urllib.parse.quote_plus(raw)
