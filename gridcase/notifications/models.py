from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level
from gridcase.lib import clock, crypto


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
    alert = models.ForeignKey("Alert", verbose_name=_("紧急提醒"), null=True, blank=True, on_delete=models.CASCADE,
                              related_name="notifications")

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
        SENDING = "sending", _("发送中")
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
    not_before = models.DateTimeField(_("免打扰至"), null=True, blank=True,
                                      help_text=_("非紧急消息在接收人的免打扰时段内推迟到此时发送"))
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


class Alert(models.Model):
    """An urgent notice that must be acknowledged (签收): told to the rule's people first, then, while
    nobody acknowledges, sent again and to the next step of the area's escalation policy."""

    kind = models.CharField(_("类型"), max_length=64)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True, validators=[validate_relative_url])
    # What it is about, for the subject's timeline: ("case", 12).
    subject_kind = models.CharField(_("对象类型"), max_length=16, blank=True)
    subject_id = models.BigIntegerField(_("对象"), null=True, blank=True)
    area_code = models.CharField(_("区域代码"), max_length=15, blank=True)
    ack_minutes = models.PositiveSmallIntegerField(_("签收时限（分钟）"), default=15)
    step = models.PositiveSmallIntegerField(_("已升级到第几步"), default=0)
    created_at = models.DateTimeField(_("时间"), default=clock.now)
    next_escalation_at = models.DateTimeField(_("下次升级时间"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签收人"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("紧急提醒")
        verbose_name_plural = _("紧急提醒")
        indexes = [
            models.Index(fields=["subject_kind", "subject_id"], name="alert_subject_idx"),
            # The sweep looks only at alerts that are still waiting for somebody.
            models.Index(fields=["next_escalation_at"], name="alert_silent_idx",
                         condition=Q(acknowledged_at__isnull=True, next_escalation_at__isnull=False)),
        ]

    def __str__(self):
        return self.title


class EscalationPolicy(models.Model):
    """Who hears of an unacknowledged alert next, step by step (e.g. town leader → deputy → county
    duty officer). The policy of the nearest area above the subject applies."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.OneToOneField(Area, verbose_name=_("适用区域"), on_delete=models.PROTECT, related_name="+",
                                help_text=_("区县或乡镇；乡镇的策略优先于区县的"))

    class Meta:
        verbose_name = _("升级策略")
        verbose_name_plural = _("升级策略")

    def __str__(self):
        return self.name


class PolicyStep(models.Model):
    policy = models.ForeignKey(EscalationPolicy, verbose_name=_("升级策略"), on_delete=models.CASCADE,
                               related_name="steps")
    order = models.PositiveSmallIntegerField(_("顺序"))
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("指定人员"), blank=True, related_name="+")
    role = models.CharField(_("或按角色"), max_length=20, blank=True,
                            help_text=_("该角色中辖区覆盖此地的人员，例如区县管理员（值班）"))
    level = models.CharField(_("角色所在层级"), max_length=8, choices=Level.choices, blank=True,
                             help_text=_("只通知辖区为该层级的人员，例如只通知区县的管理员"))

    class Meta:
        verbose_name = _("升级步骤")
        verbose_name_plural = _("升级步骤")
        ordering = ["policy", "order"]
        constraints = [models.UniqueConstraint(fields=["policy", "order"], name="policy_step_order_once")]

    def __str__(self):
        return f"{self.policy} · {self.order}"


class ContactPreference(models.Model):
    """How a person wants to be reached: which channels, the addresses they need, quiet hours."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                                related_name="contact")
    channels = ArrayField(models.CharField(max_length=20), verbose_name=_("接收渠道"), default=list, blank=True,
                          help_text=_("留空为全部已启用的渠道"))
    email = models.EmailField(_("电子邮箱"), blank=True)
    phone_encrypted = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    wecom_userid = models.CharField(_("企业微信账号"), max_length=64, blank=True, help_text=_("群机器人消息中 @ 此人"))
    quiet_from = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_until = models.TimeField(_("免打扰结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("接收设置")
        verbose_name_plural = _("接收设置")

    def __str__(self):
        return str(self.user)

    @property
    def phone(self) -> str:
        return crypto.decrypt(self.phone_encrypted)

    @phone.setter
    def phone(self, value: str) -> None:
        self.phone_encrypted = crypto.encrypt(crypto.normalise(value or ""))
