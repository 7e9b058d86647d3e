from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, KeyArea


class PatrolType(models.TextChoices):
    ROUTINE = "routine", _("日常巡查")
    NIGHT = "night", _("夜间巡逻")
    KEY_AREA = "key_area", _("重点地区巡逻")


class Status(models.TextChoices):
    PLANNED = "planned", _("计划中")
    ONGOING = "ongoing", _("进行中")
    FINISHED = "finished", _("已结束")
    CANCELLED = "cancelled", _("已取消")


# Which status each service may move a patrol from.
TRANSITIONS = {
    "start": [Status.PLANNED],
    "finish": [Status.ONGOING],
    "cancel": [Status.PLANNED, Status.ONGOING],
}


class Patrol(models.Model):
    """One patrol (巡逻/巡查) of one or more workers through a grid; its track is kept current as
    the phone uploads points (see services.track_ingest)."""

    client_id = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True)
    type = models.CharField(_("巡逻类型"), max_length=10, choices=PatrolType.choices, default=PatrolType.ROUTINE)
    planned = models.BooleanField(_("计划巡逻"), default=False, help_text=_("否则为临时（随机）巡逻"))
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    workers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("巡逻人员"), related_name="patrols")
    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="patrols")
    # The grid's code and the codes above it, so that jurisdiction is a prefix (or equality) match.
    area_code = models.CharField(_("网格代码"), max_length=15, editable=False)
    village_code = models.CharField(max_length=12, editable=False)
    town_code = models.CharField(max_length=9, editable=False)
    county_code = models.CharField(max_length=6, editable=False)
    note = models.TextField(_("备注"), blank=True)

    planned_start = models.DateTimeField(_("计划开始"), null=True, blank=True)
    planned_end = models.DateTimeField(_("计划结束"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    # Kept current by track_ingest from the kept points, in PostGIS.
    track = models.LineStringField(_("轨迹"), srid=4326, null=True, blank=True)
    distance_m = models.FloatField(_("里程（米）"), default=0)
    duration_s = models.PositiveIntegerField(_("轨迹时长（秒）"), default=0)
    points_kept = models.PositiveIntegerField(_("有效轨迹点"), default=0)
    points_dropped = models.PositiveIntegerField(_("剔除轨迹点"), default=0)
    first_point_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_point_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("创建人"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("创建时间"))
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("巡逻")
        verbose_name_plural = _("巡逻")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["area_code"], name="patrol_area_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["town_code", "started_at"], name="patrol_town_started"),
            models.Index(fields=["area_code", "started_at"], name="patrol_grid_started"),
            models.Index(fields=["started_at"], name="patrol_started"),
        ]

    def __str__(self):
        return f"{self.get_type_display()} {self.grid_id} {self.started_at or self.planned_start:%Y-%m-%d %H:%M}"

    @property
    def counts(self) -> bool:
        """Whether the patrol happened (and so counts in the measures)."""
        return self.status in (Status.ONGOING, Status.FINISHED)


EVENT_LABELS = {
    "patrol.planned": _("安排巡逻"),
    "patrol.started": _("开始巡逻"),
    "patrol.finished": _("结束巡逻"),
    "patrol.cancelled": _("取消巡逻"),
}


class PatrolEvent(models.Model):
    """What happened to a patrol and who did it (planned, started, finished, cancelled, uploaded)."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    kind = models.CharField(max_length=40)  # dotted: patrol.started …
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("巡逻记录")
        verbose_name_plural = _("巡逻记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["patrol", "at"], name="patrol_event_timeline")]

    def __str__(self):
        return f"{self.patrol_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class DropReason(models.TextChoices):
    ACCURACY = "accuracy", _("精度过低")
    SPEED = "speed", _("速度异常")


class TrackPoint(models.Model):
    """One GPS fix of a patrol. (patrol, recorded_at) is unique: a batch sent twice stores each fix once.
    Dropped fixes are kept (flagged) so that a re-sent batch is still recognised as a duplicate."""

    id = models.BigAutoField(primary_key=True)
    # No index of its own: the unique (patrol, recorded_at) index serves every lookup by patrol.
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="points", db_index=False)
    recorded_at = models.DateTimeField(_("定位时间"))
    # No spatial index: fixes are only ever read per patrol and time, through the unique index below.
    location = models.PointField(_("位置"), srid=4326, spatial_index=False)
    accuracy_m = models.FloatField(_("精度（米）"), null=True, blank=True)
    client_id = models.UUIDField(null=True, blank=True)
    dropped = models.BooleanField(_("已剔除"), default=False)
    drop_reason = models.CharField(_("剔除原因"), max_length=8, choices=DropReason.choices, blank=True)

    class Meta:
        verbose_name = _("轨迹点")
        verbose_name_plural = _("轨迹点")
        ordering = ["patrol", "recorded_at"]
        constraints = [models.UniqueConstraint(fields=["patrol", "recorded_at"], name="trackpoint_once_per_time")]

    def __str__(self):
        return f"{self.patrol_id} {self.recorded_at:%H:%M:%S}"


class TrackCell(models.Model):
    """A heat-map cell a patrol's kept track passes through, at one of the heat sizes
    (gridcase.lib.heat), with how many kept fixes fell in it. Rewritten for the patrol by every
    track upload (services.track_ingest) and removed when the patrol is cancelled, so a heat map
    counts patrols per cell from a few rows per patrol instead of its thousands of fixes.

    The patrol's type, start and codes are copied in so that the heat map is an index-only scan;
    none of them changes once a patrol has a track."""

    id = models.BigAutoField(primary_key=True)
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="+", db_index=False)
    size = models.IntegerField()
    cell = models.BigIntegerField()
    fixes = models.IntegerField()
    type = models.CharField(max_length=10, choices=PatrolType.choices)
    started_at = models.DateTimeField()
    area_code = models.CharField(max_length=15)
    village_code = models.CharField(max_length=12)
    town_code = models.CharField(max_length=9)
    county_code = models.CharField(max_length=6)

    class Meta:
        verbose_name = _("轨迹热力格")
        verbose_name_plural = _("轨迹热力格")
        constraints = [models.UniqueConstraint(fields=["patrol", "size", "cell"], name="trackcell_once_per_patrol")]
        indexes = [
            models.Index(fields=["town_code", "size", "started_at"], include=["type", "village_code", "area_code", "cell"],
                         name="trackcell_heat_town"),
            models.Index(fields=["county_code", "size", "started_at"], include=["type", "cell"],
                         name="trackcell_heat_county"),
        ]

    def __str__(self):
        return f"{self.patrol_id} {self.size} m {self.cell}: {self.fixes}"


class CheckPoint(models.Model):
    """A 打卡点 in a key area: a patrol checks in when its track passes within `radius_m`."""

    key_area = models.ForeignKey(KeyArea, verbose_name=_("重点地区"), on_delete=models.CASCADE,
                                 related_name="check_points")
    name = models.CharField(_("名称"), max_length=100)
    location = models.PointField(_("位置"), srid=4326)
    radius_m = models.PositiveSmallIntegerField(_("打卡半径（米）"), default=30,
                                                validators=[MinValueValidator(5), MaxValueValidator(500)])
    area_code = models.CharField(_("区域代码"), max_length=15, editable=False,
                                 help_text=_("所属重点地区的区域代码，用于辖区过滤"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("打卡点")
        verbose_name_plural = _("打卡点")
        ordering = ["key_area", "name"]
        indexes = [models.Index(fields=["area_code"], name="checkpoint_area_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return f"{self.key_area.name} · {self.name}"

    def save(self, *args, **kwargs):
        self.area_code = self.key_area.area.code
        super().save(*args, **kwargs)


class CheckIn(models.Model):
    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="check_ins")
    check_point = models.ForeignKey(CheckPoint, on_delete=models.CASCADE, related_name="check_ins")
    at = models.DateTimeField(_("打卡时间"), help_text=_("离打卡点最近的有效轨迹点的时间"))
    distance_m = models.FloatField(_("距离（米）"))

    class Meta:
        verbose_name = _("打卡")
        verbose_name_plural = _("打卡")
        ordering = ["at"]
        constraints = [models.UniqueConstraint(fields=["patrol", "check_point"], name="checkin_once_per_patrol")]

    def __str__(self):
        return f"{self.patrol_id} {self.check_point_id} {self.at:%H:%M}"


class DispatchStatus(models.TextChoices):
    DISPATCHED = "dispatched", _("已派遣")
    ARRIVED = "arrived", _("已到达")
    CANCELLED = "cancelled", _("已取消")


class Dispatch(models.Model):
    """A town leader sends the nearest available worker to an incident (调度); arrival is detected
    from the worker's track (services.track_ingest)."""

    client_id = models.UUIDField(null=True, blank=True, unique=True)
    location = models.PointField(_("事发位置"), srid=4326)
    note = models.CharField(_("事由"), max_length=200)
    area_code = models.CharField(_("网格代码"), max_length=15, editable=False)
    town_code = models.CharField(max_length=9, editable=False)
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("派遣人员"), on_delete=models.PROTECT,
                               related_name="dispatches")
    patrol = models.ForeignKey(Patrol, verbose_name=_("所在巡逻"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="dispatches")
    worker_position = models.PointField(_("派遣时位置"), srid=4326)
    position_at = models.DateTimeField(_("位置时间"))
    distance_m = models.FloatField(_("直线距离（米）"))
    target_s = models.PositiveIntegerField(_("到场时限（秒）"))
    status = models.CharField(_("状态"), max_length=10, choices=DispatchStatus.choices,
                              default=DispatchStatus.DISPATCHED)
    dispatched_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("派遣人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    dispatched_at = models.DateTimeField(_("派遣时间"))
    arrived_at = models.DateTimeField(_("到达时间"), null=True, blank=True)
    response_s = models.PositiveIntegerField(_("响应时间（秒）"), null=True, blank=True)
    compliant = models.BooleanField(_("按时到达"), null=True, blank=True)

    class Meta:
        verbose_name = _("调度派遣")
        verbose_name_plural = _("调度派遣")
        ordering = ["-dispatched_at"]
        indexes = [
            models.Index(fields=["area_code"], name="dispatch_area_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["worker"], name="dispatch_open_by_worker",
                         condition=Q(status="dispatched")),
        ]

    def __str__(self):
        return f"{self.note} → {self.worker} {self.dispatched_at:%Y-%m-%d %H:%M}"
