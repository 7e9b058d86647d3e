from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    MEDIATOR = "mediator", _("调解员")
    LEGAL_ADVISER = "legal_adviser", _("法律顾问")
    VILLAGE_CADRE = "village_cadre", _("村(社区)干部")
    TOWN_LEADER = "town_leader", _("镇(街道)领导")
    COUNTY_ADMIN = "county_admin", _("区县管理员")


# The level of area each role's jurisdiction is; a grid worker's is the set of grids they hold.
ROLE_AREA_LEVEL = {
    Role.GRID_WORKER: Level.VILLAGE,
    Role.MEDIATOR: Level.TOWN,
    Role.LEGAL_ADVISER: Level.TOWN,
    Role.VILLAGE_CADRE: Level.VILLAGE,
    Role.TOWN_LEADER: Level.TOWN,
    Role.COUNTY_ADMIN: Level.COUNTY,
}


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("辖区"), null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text=_("用户可见、可办理的范围；网格员为其所在村，实际范围为其负责的网格"),
    )
    grids = models.ManyToManyField(
        Area, verbose_name=_("负责网格"), blank=True, related_name="workers", limit_choices_to={"level": Level.GRID}
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.get_full_name() or self.username


class AuditEntry(models.Model):
    """Who did what to accounts and access: logins, lockouts, permission changes, second factors.
    Append-only: the database refuses to change or delete a row (migration 0002)."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("登录")
        LOGIN_FAILED = "login_failed", _("登录失败")
        LOCKED_OUT = "locked_out", _("登录被锁定")
        LOGOUT = "logout", _("退出")
        PERMISSION_CHANGED = "permission_changed", _("权限变更")
        OTP_ENABLED = "otp_enabled", _("启用两步验证")
        OTP_DISABLED = "otp_disabled", _("停用两步验证")
        OTP_FAILED = "otp_failed", _("动态码错误")

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(User, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    username = models.CharField(_("涉及账号"), max_length=150, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()} {self.username}"


class TOTPDevice(models.Model):
    """A user's authenticator app (TOTP, RFC 6238). The secret is encrypted at rest."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="totp")
    secret_encrypted = models.TextField(editable=False)
    confirmed_at = models.DateTimeField()
    # The time step of the last accepted code: a code is good once, never replayed.
    last_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("两步验证设备")
        verbose_name_plural = _("两步验证设备")

    def __str__(self):
        return f"TOTP {self.user}"
