from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from geodata.models import Area


class MeasureTarget(models.Model):
    """A target for one measure set by a county or a town; it holds for the area and everything
    below it unless a town sets its own. Without a row the measure's default target applies."""

    measure = models.CharField(_("指标"), max_length=40)
    area = models.ForeignKey(Area, verbose_name=_("区域"), on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField(_("目标值"), max_digits=7, decimal_places=2)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")
        constraints = [models.UniqueConstraint(fields=["measure", "area"], name="target_per_measure_area")]

    def __str__(self):
        return f"{self.measure} {self.area.code}: {self.value}"


class MeasureMonth(models.Model):
    """Rollup: one measure's numerator and denominator per month and village (and per category, or
    all categories when `category_id` is null). Rebuilt from the event log by `rollup.refresh`."""

    month = models.DateField()
    village_code = models.CharField(max_length=12)
    category_id = models.IntegerField(null=True)
    measure = models.CharField(max_length=40)
    num = models.IntegerField()
    den = models.IntegerField()

    class Meta:
        verbose_name = _("指标月汇总")
        verbose_name_plural = _("指标月汇总")
        indexes = [
            # The pages read "these months, villages under a code": the month range first (a county
            # reads every village), all categories or one. Partial, so that the all-categories rows
            # (one in fifteen) are read without stepping over the per-category ones.
            models.Index(fields=["month", "village_code"], name="measuremonth_all_categories",
                         opclasses=["date_ops", "varchar_pattern_ops"], include=["measure", "num", "den"],
                         condition=models.Q(category_id__isnull=True)),
            models.Index(fields=["category_id", "month", "village_code"], name="measuremonth_by_category",
                         opclasses=["int4_ops", "date_ops", "varchar_pattern_ops"], include=["measure", "num", "den"],
                         condition=models.Q(category_id__isnull=False)),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.village_code} {self.measure}: {self.num}/{self.den}"


class DirtyMonth(models.Model):
    """A month whose rollup rows no longer agree with the event log. Written by database triggers in
    the transaction that changes the history (see migration 0005), so no path can skip it; the
    pages compute a dirty month live, and `rollup.refresh_dirty` rebuilds it."""

    month = models.DateField(primary_key=True)
    # Bumped by each change: the upsert locks the row until the change commits, so a refresh
    # that deletes it waits and then sees that change (an insert that did nothing would not).
    changes = models.BigIntegerField(default=1)

    class Meta:
        verbose_name = _("待重算月份")
        verbose_name_plural = _("待重算月份")

    def __str__(self):
        return f"{self.month:%Y-%m}"


class RollupState(models.Model):
    """When the rollup was last rebuilt (one row), shown next to the figures that come from it."""

    refreshed_at = models.DateTimeField()
    since = models.DateField()

    def __str__(self):
        return f"{self.refreshed_at:%Y-%m-%d %H:%M} ({self.since})"


class Export(models.Model):
    class Kind(models.TextChoices):
        MEDIATION_LEDGER = "mediation_ledger", _("矛盾纠纷排查调处台账")
        PROBLEM_REGISTER = "problem_register", _("问题登记簿")
        HAZARD_LEDGER = "hazard_ledger", _("安全隐患排查整治台账")

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE,
                             related_name="+")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    area_code = models.CharField(_("区域代码"), max_length=15)
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期（不含）"))
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("台账导出")
        verbose_name_plural = _("台账导出")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.area_code} {self.start}–{self.end}"

    @property
    def progress(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done_rows / self.total) if self.total else 0
