from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridcase.lib import clock


def validate_relative_url(value: str) -> None:
    """Links in notifications stay on this site: a path such as /cases/12/, never another host."""
    if not value.startswith("/") or value.startswith("//") or "\\" in value:
        raise ValidationError(_("链接必须是本站的相对路径，例如 /cases/12/"), code="invalid")


class Notification(models.Model):
    # The inbox index below starts with recipient, so the FK's own index would be redundant.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications",
        db_index=False,
    )
    kind = models.CharField(
        _("类型"), max_length=64, help_text=_("点分的类型代码，例如 case.escalated"),
        validators=[RegexValidator(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", _("类型须为点分的小写代码，例如 case.escalated"))],
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_relative_url])
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox_idx"),
            # The unread badge on every page counts these rows; only unread ones are indexed.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class Delivery(models.Model):
    """One notification sent through one channel: both the record of it and the work queue."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    # The unique constraint below starts with notification and serves as its index.
    notification = models.ForeignKey(
        Notification, verbose_name=_("消息"), on_delete=models.CASCADE, related_name="deliveries", db_index=False
    )
    channel = models.CharField(_("渠道"), max_length=200, help_text=_("渠道类的点分路径"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    last_error = models.TextField(_("最近错误"), blank=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
        ]
        indexes = [
            # The sweep looks for pending deliveries nobody has touched for a while.
            models.Index(fields=["updated_at"], condition=Q(status="pending"), name="delivery_pending_idx"),
        ]

    def __str__(self):
        return f"{self.notification_id} · {self.channel.rsplit('.', 1)[-1]} · {self.get_status_display()}"
