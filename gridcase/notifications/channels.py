"""Delivery channels: how a notification leaves the inbox.

A channel is a class with a `name` and `send(notification)`, which returns when the message is out
and raises ChannelError (or anything else) on failure; the task that calls it records the error and
retries with backoff. `NOTIFICATION_CHANNELS` lists the dotted paths of the channels in use; each
reads its URLs and secrets from settings when it is loaded, so a channel that is listed but not
configured stops the start-up with a clear message (apps.py loads them all). Each Delivery row stores
its channel's path, so a delivery already queued still goes out through the channel it was made for.

The formats are those the services document publicly: 企业微信 group robots (markdown), 钉钉 robots
(markdown, `timestamp` + HMAC-SHA256 `sign`), a provincial SMS platform behind a configurable HTTP
template, and a generic webhook signed over its body for a county's 一网统管 / 12345 platform.
"""

import base64
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import send_mail
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from gridcase.lib import crypto

logger = logging.getLogger("gridcase.notifications")

DEFAULT_CHANNELS = ["gridcase.notifications.channels.LoggingChannel"]


class ChannelError(Exception):
    """The channel could not deliver; `final` when trying again cannot help (no address)."""

    def __init__(self, message: str, *, final: bool = False):
        super().__init__(message)
        self.final = final


class Channel:
    name = ""
    label = ""  # what a person reads in a timeline: 企业微信, 短信…

    def send(self, notification) -> None:
        raise NotImplementedError


def _setting(name: str) -> str:
    value = getattr(settings, name, "")
    if not value:
        raise ImproperlyConfigured(f"{name} must be set for the notification channels in NOTIFICATION_CHANNELS")
    return value


def absolute(url: str) -> str:
    """A path on this site as the link a phone opens from a message."""
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url else settings.SITE_URL


def ack_link(notification) -> str:
    """Where the recipient acknowledges (签收): a page with a button, since chat apps open links to preview them."""
    return absolute(f"/inbox/{notification.pk}/ack/")


def text_of(notification) -> str:
    """The plain text of a message: title, body, and the link to open (or acknowledge) it."""
    parts = [notification.title]
    if notification.body:
        parts.append(notification.body)
    if notification.alert_id:
        parts.append(f"请签收：{ack_link(notification)}")
    elif notification.url:
        parts.append(absolute(notification.url))
    return "\n".join(parts)


def markdown_of(notification) -> str:
    heading = "【紧急】" if notification.alert_id else ""
    lines = [f"### {heading}{notification.title}", f"> 致：{notification.recipient}"]
    if notification.body:
        lines.append(notification.body)
    if notification.alert_id:
        lines.append(f"[签收并查看]({ack_link(notification)})")
    elif notification.url:
        lines.append(f"[查看]({absolute(notification.url)})")
    return "\n\n".join(lines)


def post(url: str, body: bytes, headers: dict, *, what: str) -> bytes:
    """POST and return the answer's body; ChannelError on a refusal, an HTTP error or a timeout."""
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFICATION_TIMEOUT_SECONDS) as response:
            return response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"{what} 答复 HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise ChannelError(f"{what} 无法连接：{getattr(exc, 'reason', exc)}") from exc


def post_json(url: str, payload: dict, *, what: str, headers: dict | None = None) -> dict:
    body = json.dumps(payload, ensure_ascii=False).encode()
    answer = post(url, body, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, what=what)
    try:
        return json.loads(answer or b"{}")
    except ValueError as exc:
        raise ChannelError(f"{what} 的答复不是 JSON") from exc


def contact_of(user):
    return getattr(user, "contact", None)


class LoggingChannel(Channel):
    """Writes one log line per notification: the default, and enough for a demo or an intranet pilot."""

    name = "log"
    label = _("站内日志")

    def send(self, notification) -> None:
        logger.info("notification %s to user %s: %s %s %s", notification.pk, notification.recipient_id,
                    notification.kind, notification.title, notification.url)


class RobotChannel(Channel):
    """A chat group's robot: the person is named (and @-mentioned where their account is known)."""

    what = ""

    def check(self, answer: dict) -> None:
        # Both services answer HTTP 200 with an error code in the body when they refuse.
        if answer.get("errcode", 0) != 0:
            raise ChannelError(f"{self.what} 拒绝：{answer.get('errcode')} {answer.get('errmsg', '')}".strip())


class WeComRobotChannel(RobotChannel):
    """企业微信 / 政务微信 group robot: POST {"msgtype": "markdown"} to the group's webhook URL."""

    name = "wecom"
    label = _("企业微信")
    what = "企业微信机器人"

    def __init__(self):
        self.url = _setting("WECOM_WEBHOOK_URL")

    def send(self, notification) -> None:
        content = markdown_of(notification)
        contact = contact_of(notification.recipient)
        if contact and contact.wecom_userid:
            content += f"\n\n<@{contact.wecom_userid}>"
        self.check(post_json(self.url, {"msgtype": "markdown", "markdown": {"content": content}}, what=self.what))


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉's signature: base64(HMAC-SHA256(secret, "{timestamp}\\n{secret}")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


class DingTalkRobotChannel(RobotChannel):
    """钉钉 / 浙政钉-style robot with 加签: the webhook URL gets `timestamp` and `sign` on every call."""

    name = "dingtalk"
    label = _("钉钉")
    what = "钉钉机器人"

    def __init__(self):
        self.url = _setting("DINGTALK_WEBHOOK_URL")
        self.secret = _setting("DINGTALK_SECRET")

    def send(self, notification) -> None:
        now_ms = int(time.time() * 1000)
        joiner = "&" if "?" in self.url else "?"
        url = f"{self.url}{joiner}timestamp={now_ms}&sign={dingtalk_sign(self.secret, now_ms)}"
        contact = contact_of(notification.recipient)
        phone = contact.phone if contact else ""
        payload = {"msgtype": "markdown", "markdown": {"title": notification.title, "text": markdown_of(notification)},
                   "at": {"atMobiles": [phone] if phone else [], "isAtAll": False}}
        self.check(post_json(url, payload, what=self.what))


class EmailChannel(Channel):
    """E-mail through Django's mail settings (EMAIL_HOST, EMAIL_PORT…), with the link to open."""

    name = "email"
    label = _("邮件")

    def __init__(self):
        _setting("EMAIL_HOST")

    def send(self, notification) -> None:
        contact = contact_of(notification.recipient)
        address = (contact.email if contact else "") or notification.recipient.email
        if not address:
            raise ChannelError("接收人没有电子邮箱", final=True)
        subject = f"【紧急】{notification.title}" if notification.alert_id else notification.title
        send_mail(subject, text_of(notification), None, [address], fail_silently=False)


class SmsGatewayChannel(Channel):
    """SMS through the province's government SMS platform, whatever its HTTP shape: the body is a JSON
    template with {phone}, {text} and {signature}; success is a field of the answer equal to a value
    (a gateway that answers 200 with an error code has not sent). Phones are masked in every log."""

    name = "sms"
    label = _("短信")

    def __init__(self):
        self.url = _setting("SMS_GATEWAY_URL")
        self.template = _setting("SMS_GATEWAY_TEMPLATE")
        self.signature = _setting("SMS_SIGNATURE")
        field, _, value = _setting("SMS_GATEWAY_SUCCESS").partition("=")
        self.success_field, self.success_value = field.strip(), value.strip()
        try:
            json.loads(self.template)
        except ValueError as exc:
            raise ImproperlyConfigured(f"SMS_GATEWAY_TEMPLATE is not JSON: {exc}") from exc

    def body(self, phone: str, text: str) -> bytes:
        def fill(value):
            if isinstance(value, str):
                return value.format(phone=phone, text=text, signature=self.signature)
            if isinstance(value, dict):
                return {k: fill(v) for k, v in value.items()}
            if isinstance(value, list):
                return [fill(v) for v in value]
            return value

        return json.dumps(fill(json.loads(self.template)), ensure_ascii=False).encode()

    def send(self, notification) -> None:
        contact = contact_of(notification.recipient)
        phone = contact.phone if contact else ""
        if not phone:
            raise ChannelError("接收人没有手机号", final=True)
        text = f"{self.signature}{text_of(notification)}"
        answer = post(self.url, self.body(phone, text), {"Content-Type": "application/json; charset=utf-8"},
                      what="短信网关")
        try:
            got = json.loads(answer or b"{}").get(self.success_field)
        except (ValueError, AttributeError) as exc:
            raise ChannelError("短信网关的答复不是 JSON 对象") from exc
        if str(got) != self.success_value:
            raise ChannelError(f"短信网关未发送（{crypto.mask_phone(phone)}）：{self.success_field}={got}")


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """hex(HMAC-SHA256(secret, "{timestamp}." + body)): the receiver recomputes it and refuses a
    timestamp more than five minutes off, so a captured request cannot be replayed later."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class SignedWebhookChannel(Channel):
    """A JSON event to a county platform (一网统管 / 12345), signed over its body."""

    name = "webhook"
    label = _("平台接口")

    def __init__(self):
        self.url = _setting("ALERT_WEBHOOK_URL")
        self.secret = _setting("ALERT_WEBHOOK_SECRET")

    def send(self, notification) -> None:
        alert = notification.alert
        payload = {
            "id": notification.pk, "kind": notification.kind, "title": notification.title, "body": notification.body,
            "url": absolute(notification.url) if notification.url else "", "urgent": alert is not None,
            "recipient": {"username": notification.recipient.username, "name": str(notification.recipient)},
            "subject": {"kind": alert.subject_kind, "id": alert.subject_id} if alert else None,
            "created_at": notification.created_at.isoformat(),
        }
        body = json.dumps(payload, ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        post(self.url, body, {"Content-Type": "application/json; charset=utf-8", "X-Gridcase-Timestamp": timestamp,
                              "X-Gridcase-Signature": webhook_signature(self.secret, timestamp, body),
                              # Lets the receiver drop a repeat if our answer was lost after it took the first.
                              "X-Gridcase-Delivery": str(notification.pk)}, what="平台接口")


def channel_load(path: str) -> Channel:
    """An instance of the channel class at `path`; ImproperlyConfigured if it is not one or lacks its settings."""
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"Notification channel {path!r} cannot be imported: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, Channel)):
        raise ImproperlyConfigured(f"Notification channel {path!r} is not a subclass of {Channel.__qualname__}")
    return cls()


def configured_channels() -> list[str]:
    """The dotted paths in NOTIFICATION_CHANNELS, each checked to load, without duplicates."""
    paths = list(dict.fromkeys(getattr(settings, "NOTIFICATION_CHANNELS", DEFAULT_CHANNELS)))
    for path in paths:
        channel_load(path)
    return paths


def _channel_class(path: str):
    try:
        return import_string(path)
    except ImportError:  # a channel since removed from the code: its old deliveries keep the path
        return None


def channel_name(path: str) -> str:
    return getattr(_channel_class(path), "name", "") or path


def channel_label(path: str) -> str:
    cls = _channel_class(path)
    return str(getattr(cls, "label", "") or getattr(cls, "name", "") or path.rsplit(".", 1)[-1])
