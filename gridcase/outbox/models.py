from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcase.lib import clock


class Message(models.Model):
    """A Celery task waiting to reach the broker. Written in the same transaction as the work that
    asks for it, deleted once the broker has it: while Redis is down, tasks wait here, not in memory."""

    task = models.CharField(_("任务"), max_length=200)
    args = models.JSONField(_("位置参数"), default=list)
    kwargs = models.JSONField(_("关键字参数"), default=dict)
    created_at = models.DateTimeField(_("创建时间"), default=clock.now)
    next_attempt_at = models.DateTimeField(_("下次发送"), default=clock.now)
    attempts = models.PositiveIntegerField(_("发送失败次数"), default=0)
    last_error = models.CharField(_("最近错误"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("待发送任务")
        verbose_name_plural = _("待发送任务")
        indexes = [models.Index(fields=["next_attempt_at"], name="outbox_due")]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
