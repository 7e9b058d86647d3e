from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area
from gridcase.lib.events import TimelineEntry
from gridcase.lib.numbering import NumberCounter
from gridcase.lib.uploads import StoredUpload


class Level(models.TextChoices):
    """The level that handles a case: 小事不出村、大事不出镇、矛盾不上交."""

    VILLAGE = "village", _("村级")
    TOWN = "town", _("镇级")
    COUNTY = "county", _("县级")


LEVEL_ORDER = [Level.VILLAGE, Level.TOWN, Level.COUNTY]


class Risk(models.IntegerChoices):
    GENERAL = 1, _("一般")
    SERIOUS = 2, _("较大")
    MAJOR = 3, _("重大")


class Source(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员排查")
    VISIT = "visit", _("群众来访")
    POLICE = "police", _("110非警务警情分流")
    HOTLINE = "hotline", _("12345/12348热线")
    COURT = "court", _("法院诉前委派")
    PETITION = "petition", _("信访转办")
    OTHER = "other", _("其他")


class State(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    DECLINED = "declined", _("不予受理")
    MEDIATING = "mediating", _("调解中")
    SETTLED = "settled", _("调解成功")
    FAILED = "failed", _("调解不成")
    ESCALATED = "escalated", _("已上报")
    REFERRED = "referred", _("已转办")
    FOLLOWED_UP = "followed_up", _("已回访")
    CLOSED = "closed", _("已结案")
    MERGED = "merged", _("已合并")


# States in which the case is still being worked at its level (rules watch these).
OPEN_STATES = [State.REGISTERED, State.ACCEPTED, State.MEDIATING, State.FAILED, State.ESCALATED]


class ReferralBody(models.TextChoices):
    COURT = "court", _("法院（诉调对接）")
    POLICE = "police", _("公安（警调联动）")
    PETITION = "petition", _("信访部门（访调对接）")
    ARBITRATION = "arbitration", _("仲裁机构")
    DEPARTMENT = "department", _("行政主管部门")


class Category(models.Model):
    """The configurable catalogue of dispute types (矛盾纠纷类型)."""

    code = models.CharField(_("代码"), max_length=8, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("纠纷类型")
        verbose_name_plural = _("纠纷类型")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Case(models.Model):
    number = models.CharField(_("案件编号"), max_length=32, unique=True)
    client_id = models.UUIDField(_("客户端编号"), null=True, blank=True, unique=True,
                                 help_text=_("手机端生成，重复提交时据此识别为同一案件"))
    title = models.CharField(_("标题"), max_length=200)
    narrative = models.TextField(_("纠纷情况"), blank=True)
    category = models.ForeignKey(Category, verbose_name=_("纠纷类型"), on_delete=models.PROTECT)
    people_involved = models.PositiveIntegerField(_("涉及人数"), default=2)
    amount = models.DecimalField(_("涉及金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True)
    risk = models.PositiveSmallIntegerField(_("风险等级"), choices=Risk.choices, default=Risk.GENERAL)
    violence_risk = models.BooleanField(_("有民转刑风险"), default=False)
    source = models.CharField(_("来源"), max_length=16, choices=Source.choices, default=Source.GRID_WORKER)

    location = models.PointField(_("位置"), srid=4326)
    grid = models.ForeignKey(Area, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="cases")
    # The codes of the grid and the areas above it, copied so that every jurisdiction is an equality
    # on an indexed column of this table, and lists come out of an index already in order.
    area_code = models.CharField(_("网格代码"), max_length=15, editable=False)
    village_code = models.CharField(max_length=12, editable=False)
    town_code = models.CharField(max_length=9, editable=False)
    county_code = models.CharField(max_length=6, editable=False)

    level = models.CharField(_("办理层级"), max_length=8, choices=Level.choices, default=Level.VILLAGE)
    state = models.CharField(_("状态"), max_length=12, choices=State.choices, default=State.REGISTERED)
    mediators = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("调解员"), blank=True,
                                       related_name="assigned_cases")
    referred_to = models.CharField(_("转办去向"), max_length=12, choices=ReferralBody.choices, blank=True)
    deadline = models.DateTimeField(_("办理期限"), null=True, blank=True)

    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(_("登记时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    level_entered_at = models.DateTimeField(_("进入当前层级时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    # When the escalation rules must look at this case again; the sweep selects on it.
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)

    recurrence_of = models.ForeignKey("self", verbose_name=_("复发自"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="recurrences")
    merged_into = models.ForeignKey("self", verbose_name=_("并入"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="merged_cases")
    patrol = models.ForeignKey("patrols.Patrol", verbose_name=_("发现于巡逻"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="cases")
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("矛盾纠纷案件")
        verbose_name_plural = _("矛盾纠纷案件")
        ordering = ["-registered_at"]
        indexes = [
            models.Index(fields=["area_code"], name="case_area_prefix", opclasses=["varchar_pattern_ops"]),
            *[models.Index(fields=[field, "-registered_at", "-id"], name=f"case_{field}_recent")
              for field in ("area_code", "village_code", "town_code", "county_code")],
            # Counts per state (the list's tabs and pager) answered from the index alone.
            *[models.Index(fields=[field, "state"], name=f"case_{field}_state")
              for field in ("village_code", "town_code", "county_code")],
            models.Index(fields=["state", "level"], name="case_state_level"),
            models.Index(fields=["next_check_at"], name="case_due_for_rules", condition=Q(next_check_at__isnull=False)),
            models.Index(fields=["deadline"], name="case_open_deadline", condition=Q(state__in=OPEN_STATES)),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class Party(models.Model):
    class Role(models.TextChoices):
        APPLICANT = "applicant", _("申请人")
        RESPONDENT = "respondent", _("被申请人")
        OTHER = "other", _("第三人")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    role = models.CharField(_("身份"), max_length=12, choices=Role.choices, default=Role.APPLICANT)
    name = models.CharField(_("姓名"), max_length=50)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    id_number_masked = models.CharField(_("身份证号"), max_length=32, blank=True, editable=False)
    phone_encrypted = models.TextField(blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    phone_masked = models.CharField(_("电话"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["id"]
        indexes = [models.Index(fields=["name"], name="party_name_prefix", opclasses=["varchar_pattern_ops"])]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class MediationSession(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField(_("调解日期"))
    place = models.CharField(_("地点"), max_length=100)
    attendees = models.TextField(_("参加人员"))
    content = models.TextField(_("调解情况"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("调解记录")
        verbose_name_plural = _("调解记录")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.case.number} {self.held_on}"


class Agreement(models.Model):
    class Performance(models.TextChoices):
        PENDING = "pending", _("待履行")
        PERFORMING = "performing", _("履行中")
        PERFORMED = "performed", _("已履行")
        NOT_PERFORMED = "not_performed", _("未履行")

    class Confirmation(models.TextChoices):
        NONE = "none", _("未申请")
        APPLIED = "applied", _("已申请")
        CONFIRMED = "confirmed", _("已确认")
        REFUSED = "refused", _("未予确认")

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="agreement")
    signed_on = models.DateField(_("签订日期"))
    terms = models.TextField(_("协议内容"))
    performance = models.CharField(_("履行情况"), max_length=16, choices=Performance.choices, default=Performance.PENDING)
    performance_due = models.DateField(_("履行期限"), null=True, blank=True)
    judicial_confirmation = models.CharField(_("司法确认"), max_length=12, choices=Confirmation.choices,
                                             default=Confirmation.NONE)

    class Meta:
        verbose_name = _("调解协议")
        verbose_name_plural = _("调解协议")

    def __str__(self):
        return f"{self.case.number} {self.signed_on}"


class FollowUp(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", _("电话")
        VISIT = "visit", _("上门")
        ONLINE = "online", _("微信/网络")

    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        FAIRLY = "fairly", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    visited_on = models.DateField(_("回访日期"))
    method = models.CharField(_("回访方式"), max_length=8, choices=Method.choices)
    satisfaction = models.CharField(_("满意度"), max_length=12, choices=Satisfaction.choices)
    recurred = models.BooleanField(_("纠纷是否反复"), default=False)
    note = models.TextField(_("回访情况"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("回访")
        verbose_name_plural = _("回访")
        ordering = ["visited_on", "id"]

    def __str__(self):
        return f"{self.case.number} {self.visited_on}"


class Attachment(StoredUpload):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("现场照片")
        AGREEMENT = "agreement", _("协议扫描件")
        OTHER = "other", _("其他材料")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PHOTO)
    file = models.FileField(_("文件"), upload_to="cases/%Y/%m/")

    class Meta(StoredUpload.Meta):
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self):
        return self.original_name


class CaseEvent(TimelineEntry):
    """Append-only history of a case: the timeline and every measure are computed from these rows.
    The database refuses UPDATE and DELETE on this table (see migration 0002)."""

    labels_module = "gridcase.cases.workflow"
    states = State

    case = models.ForeignKey(Case, on_delete=models.DO_NOTHING, related_name="events", db_constraint=True)
    level = models.CharField(max_length=8)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("案件事件")
        verbose_name_plural = _("案件事件")
        indexes = [models.Index(fields=["case", "at"], name="case_event_timeline"),
                   models.Index(fields=["kind", "at"], name="case_event_kind_at")]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class CaseNumberCounter(NumberCounter):
    """The last number issued per town and year; incremented in the registering transaction."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["town_code", "year"], name="case_counter_per_town_year")]


class PersonalDataView(models.Model):
    """Who saw a party's full ID number or phone, and when."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="views")
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("个人信息查看记录")
        verbose_name_plural = _("个人信息查看记录")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} {self.party} {self.at:%Y-%m-%d %H:%M}"
