from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area
from gridcase.cases.models import Level
from gridcase.lib.events import TimelineEntry
from gridcase.lib.numbering import NumberCounter
from gridcase.lib.uploads import StoredUpload


class Severity(models.IntegerChoices):
    GENERAL = 1, _("一般")
    SERIOUS = 2, _("较大")
    MAJOR = 3, _("重大")


class State(models.TextChoices):
    REPORTED = "reported", _("已上报")
    VERIFIED = "verified", _("已核实")
    REJECTED = "rejected", _("不予核实")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改待验收")
    CLOSED = "closed", _("已销号")


# States in which the hazard is still open (rules and lists watch these).
OPEN_STATES = [State.REPORTED, State.VERIFIED, State.RECTIFYING, State.RECTIFIED]


class ResponsibleKind(models.TextChoices):
    UNIT = "unit", _("单位")
    PERSON = "person", _("个人")


class HazardCategory(models.Model):
    """The configurable catalogue of hazard types (隐患类别)."""

    code = models.CharField(_("代码"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("隐患类别")
        verbose_name_plural = _("隐患类别")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Hazard(models.Model):
    number = models.CharField(_("隐患编号"), max_length=32, unique=True)
    patrol = models.ForeignKey("patrols.Patrol", verbose_name=_("发现于巡逻"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="hazards")
    client_id = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True,
                                 help_text=_("手机端生成，重复提交时据此识别为同一隐患"))
    category = models.ForeignKey(HazardCategory, verbose_name=_("隐患类别"), on_delete=models.PROTECT)
    severity = models.PositiveSmallIntegerField(_("隐患等级"), choices=Severity.choices, default=Severity.GENERAL)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("隐患描述"), blank=True)

    location = models.PointField(_("位置"), srid=4326)
    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="hazards")
    # As on cases: the codes above the grid, copied so that every jurisdiction is an indexed equality.
    area_code = models.CharField(_("网格代码"), max_length=15, editable=False)
    village_code = models.CharField(max_length=12, editable=False)
    town_code = models.CharField(max_length=9, editable=False)
    county_code = models.CharField(max_length=6, editable=False)

    responsible_kind = models.CharField(_("责任主体类型"), max_length=8, choices=ResponsibleKind.choices,
                                        default=ResponsibleKind.UNIT)
    responsible_name = models.CharField(_("责任单位/责任人"), max_length=100, blank=True)
    responsible_contact = models.CharField(_("联系方式"), max_length=50, blank=True)
    deadline = models.DateTimeField(_("整改期限"), null=True, blank=True)

    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REPORTED)
    level = models.CharField(_("督办层级"), max_length=8, choices=Level.choices, default=Level.VILLAGE)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上报人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reported_at = models.DateTimeField(_("上报时间"))
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    rectifying_since = models.DateTimeField(_("开始整改时间"), null=True, blank=True)
    level_entered_at = models.DateTimeField(_("进入当前层级时间"), null=True, blank=True)
    rectified_at = models.DateTimeField(_("整改完成时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    rework_count = models.PositiveSmallIntegerField(_("返工次数"), default=0, editable=False)
    extension_count = models.PositiveSmallIntegerField(_("延期次数"), default=0, editable=False,
                                                       help_text=_("获批准的延期次数"))
    # When the escalation rules must look at this hazard again; the sweep selects on it.
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患")
        ordering = ["-reported_at"]
        indexes = [
            *[models.Index(fields=[field, "-reported_at", "-id"], name=f"hazard_{field}_recent")
              for field in ("area_code", "village_code", "town_code", "county_code")],
            models.Index(fields=["next_check_at"], name="hazard_due_for_rules", condition=Q(next_check_at__isnull=False)),
            models.Index(fields=["deadline"], name="hazard_open_deadline", condition=Q(state__in=OPEN_STATES)),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_overdue(self) -> bool:
        from gridcase.lib import clock

        return self.state == State.RECTIFYING and self.deadline is not None and self.deadline < clock.now()


class HazardPhoto(StoredUpload):
    class Kind(models.TextChoices):
        BEFORE = "before", _("整改前")
        AFTER = "after", _("整改后")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("类型"), max_length=8, choices=Kind.choices, default=Kind.BEFORE)
    file = models.FileField(_("照片"), upload_to="hazards/%Y/%m/")

    class Meta(StoredUpload.Meta):
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")

    def __str__(self):
        return f"{self.get_kind_display()} {self.original_name}"


class ExtensionRequest(models.Model):
    """延期申请: asked while rectifying, decided (审核) by a town leader or county admin."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未批准")

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extensions")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    requested_at = models.DateTimeField()
    old_deadline = models.DateTimeField(_("原整改期限"), null=True)
    new_deadline = models.DateTimeField(_("申请延至"))
    reason = models.TextField(_("延期理由"))
    decision = models.CharField(_("审核结果"), max_length=8, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "id"]
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=Q(decision="pending"),
                                               name="hazard_one_pending_extension")]

    def __str__(self):
        return f"{self.hazard_id} → {self.new_deadline:%Y-%m-%d} ({self.get_decision_display()})"


class HazardEvent(TimelineEntry):
    """Append-only history of a hazard; the database refuses UPDATE and DELETE (see migration 0002)."""

    labels_module = "gridcase.hazards.workflow"
    states = State

    hazard = models.ForeignKey(Hazard, on_delete=models.DO_NOTHING, related_name="events")
    level = models.CharField(max_length=8)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("隐患事件")
        verbose_name_plural = _("隐患事件")
        indexes = [models.Index(fields=["hazard", "at"], name="hazard_event_timeline"),
                   models.Index(fields=["kind", "at"], name="hazard_event_kind_at")]

    def __str__(self):
        return f"{self.hazard_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class HazardNumberCounter(NumberCounter):
    """The last number issued per town and year; incremented in the reporting transaction."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town_code", "year"], name="hazard_counter_per_town_year")]


class Interval(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


class InspectionPlan(models.Model):
    """A recurring inspection (e.g. a dangerous building checked monthly): one task per period."""

    title = models.CharField(_("巡查内容"), max_length=200)
    hazard = models.ForeignKey(Hazard, verbose_name=_("关联隐患"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="inspection_plans")
    location = models.PointField(_("位置"), srid=4326)
    area_code = models.CharField(_("网格代码"), max_length=15, editable=False)
    interval = models.CharField(_("周期"), max_length=10, choices=Interval.choices, default=Interval.MONTHLY)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责网格员"), on_delete=models.PROTECT,
                                 related_name="inspection_plans")
    starts_on = models.DateField(_("开始日期"))
    active = models.BooleanField(_("启用"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("定期巡查计划")
        verbose_name_plural = _("定期巡查计划")
        ordering = ["area_code", "id"]

    def __str__(self):
        return f"{self.title}（{self.get_interval_display()}）"


class InspectionTask(models.Model):
    """One period's inspection of a plan; created by the beat task, once per (plan, period)."""

    plan = models.ForeignKey(InspectionPlan, on_delete=models.CASCADE, related_name="tasks")
    period_start = models.DateField(_("周期开始"))
    due_on = models.DateField(_("完成期限"))
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("负责网格员"), on_delete=models.PROTECT,
                                 related_name="inspection_tasks")
    area_code = models.CharField(max_length=15, editable=False)
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    note = models.TextField(_("巡查情况"), blank=True)

    class Meta:
        verbose_name = _("定期巡查任务")
        verbose_name_plural = _("定期巡查任务")
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "period_start"], name="inspection_task_once_per_period")]
        indexes = [models.Index(fields=["assignee", "due_on"], name="inspection_open_by_assignee",
                                condition=Q(done_at__isnull=True))]

    def __str__(self):
        return f"{self.plan.title} {self.period_start}"
