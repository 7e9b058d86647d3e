import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcase.lib import clock

TOKEN_PREFIX = "gc_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class Scope(models.TextChoices):
    READ = "read", _("读取")
    WRITE = "write", _("写入")


class ApiToken(models.Model):
    """A device's or system's key to the API, acting as its user (same jurisdiction, same rights),
    limited to its scopes and until it expires or is revoked. Only a hash of the key is kept."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100, help_text=_("例如：12345 热线平台、某网格员手机"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False)
    scopes = ArrayField(models.CharField(max_length=8, choices=Scope.choices), verbose_name=_("权限范围"),
                        default=list)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now, editable=False)
    expires_at = models.DateTimeField(_("到期时间"))
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def issue_key(self) -> str:
        """Set a new random key and return it; it is shown once and never stored."""
        key = TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.key_hash, self.prefix = hash_key(key), key[:10]
        return key

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > clock.now() and self.user.is_active


class IdempotencyRecord(models.Model):
    """The first answer to a POST with an Idempotency-Key, replayed for a retry within 24 h."""

    owner = models.CharField(max_length=64)  # who sent it: a hash of the token, or the user id
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField(null=True)  # None while the first request is in progress
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(default=bytes)
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="idempotency_key_once")]

    def __str__(self):
        return f"{self.owner} {self.key}"
