"""Delivery channels: how a notification leaves the inbox (a log line today; SMS or WeChat later).

A channel is a class with a `name` and `send(notification)`, which returns when the message is out
and raises on failure; the task that calls it records the error and retries. `NOTIFICATION_CHANNELS`
lists the dotted paths of the channels every new notification goes through. Each Delivery row stores
its channel's path, so a delivery already queued still goes out through the channel it was made for.
"""

import logging

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

logger = logging.getLogger("gridcase.notifications")

DEFAULT_CHANNELS = ["gridcase.notifications.channels.LoggingChannel"]


class Channel:
    name = ""

    def send(self, notification) -> None:
        raise NotImplementedError


class LoggingChannel(Channel):
    """Writes one log line per notification: the default, and enough for a demo or an intranet pilot."""

    name = "log"

    def send(self, notification) -> None:
        logger.info("notification %s to user %s: %s %s %s", notification.pk, notification.recipient_id,
                    notification.kind, notification.title, notification.url)


def channel_load(path: str) -> Channel:
    """An instance of the channel class at `path`; ImproperlyConfigured if it is not one."""
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
