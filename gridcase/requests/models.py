"""Resident requests (民情诉求) and their triage into 大事 / 小事 / 私事 (三事分流)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.indexes import GinIndex
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area
from gridcase.lib.numbering import NumberCounter
from gridcase.lib.uploads import StoredUpload


class Channel(models.TextChoices):
    WALK = "walk", _("网格员走访")
    VISIT = "visit", _("群众来访")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信群")
    HOTLINE = "hotline", _("12345热线")
    OPEN311 = "open311", _("Open311")


class Kind(models.TextChoices):
    """三事: whose job the matter is."""

    MAJOR = "major", _("大事")  # government: a town office
    MINOR = "minor", _("小事")  # village self-governance: the village committee
    PRIVATE = "private", _("私事")  # the resident's own, with guidance


class Handling(models.TextChoices):
    """How the village committee handles a 小事."""

    ONE_BY_ONE = "one_by_one", _("一事一议")
    DELIBERATION = "deliberation", _("转援法议事")


class State(models.TextChoices):
    REGISTERED = "registered", _("待分流")
    HANDLING = "handling", _("办理中")
    DELIBERATING = "deliberating", _("议事中")
    MEDIATION = "mediation", _("转入调解")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")


# States in which somebody still owes the reporter an answer (deadlines and reminders watch these).
OPEN_STATES = [State.REGISTERED, State.HANDLING, State.DELIBERATING, State.MEDIATION]


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class Office(models.Model):
    """A town office that takes 大事 (归口). With no town it is offered in every town."""

    code = models.CharField(_("代码"), max_length=16)
    name = models.CharField(_("名称"), max_length=50)
    town = models.ForeignKey(Area, verbose_name=_("所属乡镇"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="request_offices", limit_choices_to={"level": "town"},
                             help_text=_("为空表示各乡镇通用"))
    time_limit_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), default=15)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), blank=True,
                                     related_name="request_offices", help_text=_("收到交办和逾期提醒的人"))
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("归口部门")
        verbose_name_plural = _("归口部门")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["code", "town"], name="office_code_per_town"),
            models.UniqueConstraint(fields=["code"], condition=Q(town__isnull=True), name="office_code_general"),
        ]

    def __str__(self):
        return self.name


class RequestCategory(models.Model):
    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    default_kind = models.CharField(_("通常分流为"), max_length=8, choices=Kind.choices, blank=True)
    default_office = models.ForeignKey(Office, verbose_name=_("通常归口"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    guidance_template = models.TextField(
        _("私事引导说明模板"), blank=True,
        help_text=_("分流为私事时发给反映人的说明；可用 {{ village }}、{{ category }}、{{ matter }}、{{ date }}"),
    )
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("诉求类别")
        verbose_name_plural = _("诉求类别")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Request(models.Model):
    number = models.CharField(_("编号"), max_length=32, unique=True)
    patrol = models.ForeignKey("patrols.Patrol", verbose_name=_("发现于巡逻"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="requests")
    client_id = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True,
                                 help_text=_("手机端生成，重复提交时据此识别为同一诉求"))
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices, default=Channel.WALK)
    received_on = models.DateField(_("反映日期"))
    matter = models.TextField(_("反映事项"))
    category = models.ForeignKey(RequestCategory, verbose_name=_("类别"), on_delete=models.PROTECT)

    location = models.PointField(_("位置"), srid=4326, null=True, blank=True)
    grid = models.ForeignKey(Area, verbose_name=_("网格"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    village = models.ForeignKey(Area, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="requests")
    # The grid's code when the location is known, else the village's; the codes above it copied so a
    # jurisdiction is an equality or a prefix on an indexed column of this table.
    area_code = models.CharField(max_length=15, editable=False)
    village_code = models.CharField(max_length=12, editable=False)
    town_code = models.CharField(max_length=9, editable=False)
    county_code = models.CharField(max_length=6, editable=False)

    # Personal data: encrypted at rest, searchable by blind index, shown masked.
    reporter_name_encrypted = models.TextField(blank=True, editable=False)
    reporter_name_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    reporter_name_masked = models.CharField(_("反映人"), max_length=50, blank=True, editable=False)
    contact_encrypted = models.TextField(blank=True, editable=False)
    contact_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    contact_masked = models.CharField(_("联系方式"), max_length=32, blank=True, editable=False)
    reporters_count = models.PositiveIntegerField(_("反映人次"), default=1)

    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REGISTERED)
    kind = models.CharField(_("分流"), max_length=8, choices=Kind.choices, blank=True)
    office = models.ForeignKey(Office, verbose_name=_("归口部门"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="requests")
    handling = models.CharField(_("办理方式"), max_length=12, choices=Handling.choices, blank=True)
    guidance = models.TextField(_("引导说明"), blank=True)
    deadline = models.DateTimeField(_("办理期限"), null=True, blank=True)
    reply = models.TextField(_("答复"), blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    feedback = models.TextField(_("反映人反馈"), blank=True)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    case = models.ForeignKey("cases.Case", verbose_name=_("转入的调解案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="requests")
    merged_into = models.ForeignKey("self", verbose_name=_("并入"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_requests")

    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(_("登记时间"))
    # When the rules (gridcase.escalation) must look at this request again; the sweep selects on it.
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("民情诉求")
        verbose_name_plural = _("民情诉求")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["area_code"], name="request_area_prefix", opclasses=["varchar_pattern_ops"]),
            *[models.Index(fields=[field, "-registered_at", "-id"], name=f"request_{field}_recent")
              for field in ("village_code", "town_code", "county_code")],
            models.Index(fields=["office", "state", "deadline"], name="request_office_queue"),
            models.Index(fields=["next_check_at"], name="request_due_for_rules", condition=Q(next_check_at__isnull=False)),
            models.Index(fields=["deadline"], name="request_open_deadline", condition=Q(state__in=OPEN_STATES)),
            models.Index(fields=["village_code", "received_on"], name="request_village_received"),
            # Repeat proposals join open requests on (town, category) within a window of days.
            models.Index(fields=["town_code", "category", "received_on"], name="request_repeat_candidates",
                         condition=Q(state__in=["registered", "handling"])),
            # Repeat proposals compare texts with pg_trgm similarity.
            GinIndex(fields=["matter"], name="request_matter_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(fields=["number"], name="request_number_trgm", opclasses=["gin_trgm_ops"]),  # part of a number
        ]

    def __str__(self):
        return f"{self.number} {self.matter[:30]}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class RequestPhoto(StoredUpload):
    """A photo taken where the resident showed the problem; checked and cleaned by gridcase.lib.uploads."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="requests/%Y/%m/")

    class Meta(StoredUpload.Meta):
        verbose_name = _("诉求照片")
        verbose_name_plural = _("诉求照片")

    def __str__(self):
        return self.original_name


class RequestEvent(models.Model):
    """Append-only timeline of a request; the database refuses UPDATE and DELETE (migration 0002)."""

    request = models.ForeignKey(Request, on_delete=models.DO_NOTHING, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", help_text=_("为空表示系统"))
    kind = models.CharField(max_length=40)  # dotted: request.registered, request.triaged …
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    version = models.PositiveIntegerField()
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("诉求事件")
        verbose_name_plural = _("诉求事件")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"], name="request_event_timeline")]

    def __str__(self):
        return f"{self.request_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class RequestNumberCounter(NumberCounter):
    class Meta:
        constraints = [models.UniqueConstraint(fields=["town_code", "year"], name="request_counter_per_town_year")]


class MergeDismissal(models.Model):
    """A proposed pair a cadre said is not the same matter: not proposed again."""

    first = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("不合并记录")
        verbose_name_plural = _("不合并记录")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="merge_dismissal_pair"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="merge_dismissal_ordered"),
        ]

    def __str__(self):
        return f"{self.first_id} ≠ {self.second_id}"


class PersonalDataView(models.Model):
    """Who saw a reporter's full name and contact, and when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("反映人信息查看记录")
        verbose_name_plural = _("反映人信息查看记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.request_id} {self.at:%Y-%m-%d %H:%M}"


class ThreeList(models.Model):
    """One generation of a village's quarterly 三事清单. Generating again replaces an unsigned list but
    never a signed one: after sign-off a new generation is a new row and the signed snapshot stays."""

    village = models.ForeignKey(Area, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    rows = models.JSONField(_("清单内容"), default=list)
    totals = models.JSONField(_("汇总"), default=dict)

    class Meta:
        verbose_name = _("三事清单")
        verbose_name_plural = _("三事清单")
        ordering = ["-year", "-quarter", "-generated_at"]
        indexes = [models.Index(fields=["village", "year", "quarter"], name="threelist_village_quarter")]

    def __str__(self):
        return f"{self.village.name} {self.year}年第{self.quarter}季度"


class ThreeListSignOff(models.Model):
    three_list = models.OneToOneField(ThreeList, on_delete=models.PROTECT, related_name="sign_off")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("签署人"), on_delete=models.PROTECT,
                           related_name="+")
    at = models.DateTimeField(_("签署时间"))
    note = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("三事清单签署")
        verbose_name_plural = _("三事清单签署")

    def __str__(self):
        return f"{self.three_list} {self.by} {self.at:%Y-%m-%d}"
