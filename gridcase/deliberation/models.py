"""援法议事: a village's topics, from collection through the meeting, legal review, publicity,
execution and supervision to the published result. Every change is a TopicEvent (append-only)."""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area
from gridcase.lib.events import TimelineEntry


class ListItem(models.Model):
    """The 议事清单: what a village deliberates on (seeded from the seed's 附件1, editable)."""

    class Group(models.TextChoices):
        GENERAL = "general", _("村(社区)通用清单")
        RESIDENTIAL = "residential", _("集中居住小区个性清单")

    code = models.CharField(_("代码"), max_length=8, unique=True)
    group = models.CharField(_("清单"), max_length=12, choices=Group.choices, default=Group.GENERAL)
    name = models.CharField(_("事项"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("议事清单事项")
        verbose_name_plural = _("议事清单")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Source(models.TextChoices):
    MEMBER = "member", _("议事成员/群众提议")
    CASE = "case", _("矛盾纠纷案件")
    REQUEST = "request", _("民情诉求（三事分流）")


class Channel(models.TextChoices):
    """咨询方式 of the 问题登记簿."""

    VISIT = "visit", _("上门走访")
    WALK_IN = "walk_in", _("来访")
    PHONE = "phone", _("电话")
    WECHAT = "wechat", _("微信群")
    MEETING = "meeting", _("会议提出")
    BOX = "box", _("意见建议信箱")


class State(models.TextChoices):
    COLLECTED = "collected", _("待审议")
    ACCEPTED = "accepted", _("待上会")
    REJECTED = "rejected", _("不予采纳")
    SCHEDULED = "scheduled", _("已列入议程")
    DECIDED = "decided", _("待法律审核")
    PUBLICITY = "publicity", _("公示中")
    OBJECTED = "objected", _("异议处理中")
    EXECUTING = "executing", _("执行中")
    COMPLETION_REPORTED = "completion_reported", _("待监督确认")
    COMPLETED = "completed", _("已完成")
    CLOSED = "closed", _("未通过（已公示）")


# Shown on the public page of the village (results and topics under publicity).
PUBLIC_STATES = [State.PUBLICITY, State.OBJECTED, State.EXECUTING, State.COMPLETION_REPORTED, State.COMPLETED,
                 State.CLOSED]


class Topic(models.Model):
    village = models.ForeignKey(Area, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="topics")
    # Copied codes: every jurisdiction is an equality or prefix on an indexed column of this table.
    village_code = models.CharField(max_length=12, editable=False)
    town_code = models.CharField(max_length=9, editable=False)
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    title = models.CharField(_("议题"), max_length=200)
    description = models.TextField(_("具体问题"), blank=True)
    place = models.CharField(_("问题地点"), max_length=100, blank=True)
    list_item = models.ForeignKey(ListItem, verbose_name=_("清单事项"), on_delete=models.PROTECT)
    source = models.CharField(_("来源"), max_length=8, choices=Source.choices, default=Source.MEMBER)
    case = models.ForeignKey("cases.Case", verbose_name=_("来源案件"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="deliberation_topics")
    request = models.ForeignKey("requests.Request", verbose_name=_("来源诉求"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="deliberation_topics")
    channel = models.CharField(_("咨询方式"), max_length=8, choices=Channel.choices, default=Channel.VISIT)
    # The person who raised it (personal data: never on the public page).
    proposer_name = models.CharField(_("提议人"), max_length=50, blank=True)
    proposer_phone_encrypted = models.TextField(blank=True, editable=False)
    proposer_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True, editable=False)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), null=True,
                                      on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(_("登记时间"))

    state = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.COLLECTED)
    fast_track = models.BooleanField(_("急事急议/特事特议"), default=False)
    reason = models.TextField(_("审议意见"), blank=True, help_text=_("不予采纳或急事急议的理由"))

    decision = models.ForeignKey("AgendaItem", verbose_name=_("议定结果"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("议决时间"), null=True, blank=True)
    publicity_started_at = models.DateTimeField(_("公示开始"), null=True, blank=True)
    publicity_ends_at = models.DateTimeField(_("公示截止"), null=True, blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("责任人账号"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="deliberation_duties")
    responsible_name = models.CharField(_("责任人"), max_length=50, blank=True)
    execution_deadline = models.DateField(_("完成期限"), null=True, blank=True)
    # When the rules (gridcase.escalation) must look at this topic again; the sweep selects on it.
    next_check_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-registered_at", "-id"]
        indexes = [
            models.Index(fields=["village_code", "state"], name="topic_village_state"),
            models.Index(fields=["town_code", "state"], name="topic_town_state"),
            models.Index(fields=["next_check_at"], name="topic_due_for_rules", condition=Q(next_check_at__isnull=False)),
            # The overdue filter of the topic list.
            models.Index(fields=["execution_deadline"], name="topic_executing_deadline", condition=Q(state="executing")),
        ]

    def __str__(self):
        return self.title

    @property
    def passed(self) -> bool:
        return self.decision is not None and self.decision.passed


class TopicEvent(TimelineEntry):
    """Append-only history of a topic (the database refuses UPDATE and DELETE: migration 0002)."""

    labels_module = "gridcase.deliberation.workflow"
    states = State

    topic = models.ForeignKey(Topic, on_delete=models.DO_NOTHING, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", help_text=_("为空表示系统或公众"))
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)

    class Meta(TimelineEntry.Meta):
        verbose_name = _("议题事件")
        verbose_name_plural = _("议题事件")
        indexes = [models.Index(fields=["topic", "at"], name="topic_event_timeline"),
                   models.Index(fields=["kind", "at"], name="topic_event_kind_at")]

    @property
    def who(self) -> str:
        """No user: the public lodged an objection, or the system moved the topic on."""
        if self.actor_id:
            return str(self.actor)
        return str(_("群众") if self.kind == "topic.objection_lodged" else _("系统"))

    def __str__(self):
        return f"{self.topic_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class Meeting(models.Model):
    """An 议事会 (monthly, or 急事急议 at once)."""

    village = models.ForeignKey(Area, verbose_name=_("村(社区)"), on_delete=models.PROTECT, related_name="+")
    village_code = models.CharField(max_length=12, editable=False)
    town_code = models.CharField(max_length=9, editable=False)
    held_at = models.DateTimeField(_("活动时间"))
    place = models.CharField(_("活动地点"), max_length=100)
    location = models.PointField(_("地图位置"), srid=4326, null=True, blank=True)
    recorder = models.CharField(_("记录人"), max_length=50, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("议事会")
        verbose_name_plural = _("议事会")
        ordering = ["-held_at", "-id"]
        indexes = [models.Index(fields=["village_code", "-held_at"], name="meeting_village_recent")]

    def __str__(self):
        return f"{self.held_at:%Y-%m-%d} {self.place}"


class AttendeeRole(models.TextChoices):
    """The members of the village's 援法议事 group, as the seed lists them."""

    COMMITTEE = "committee", _("村(社区)两委成员")
    ADVISER = "adviser", _("法律顾问")
    GRID_WORKER = "grid_worker", _("网格员")
    MEDIATOR = "mediator", _("调解员")
    LEGAL_LITERATE = "legal_literate", _("法律明白人")
    REPRESENTATIVE = "representative", _("群众代表")


class Attendee(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendees")
    role = models.CharField(_("身份"), max_length=16, choices=AttendeeRole.choices)
    name = models.CharField(_("姓名"), max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    present = models.BooleanField(_("出席"), default=True)

    class Meta:
        verbose_name = _("参加人员")
        verbose_name_plural = _("参加人员")
        ordering = ["id"]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"


class AgendaItem(models.Model):
    """A topic on a meeting's agenda, and its minutes (讨论、处理意见、表决)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=1)
    discussion = models.TextField(_("会议内容"), blank=True)
    decision = models.TextField(_("处理意见"), blank=True)
    votes_for = models.PositiveIntegerField(_("赞成"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("反对"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("弃权"), null=True, blank=True)
    present = models.PositiveIntegerField(_("应参加表决（出席）人数"), null=True, blank=True, editable=False)
    passed = models.BooleanField(_("通过"), default=False)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("议程与会议记录")
        verbose_name_plural = _("议程与会议记录")
        ordering = ["meeting", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "topic"], name="agenda_topic_once_per_meeting")]

    def __str__(self):
        return f"{self.meeting} · {self.topic}"

    @property
    def recorded(self) -> bool:
        return self.recorded_at is not None


class LegalReview(models.Model):
    class Outcome(models.TextChoices):
        APPROVED = "approved", _("审核通过")
        CHANGE = "change", _("需修改")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="legal_reviews")
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="legal_reviews")
    adviser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("审核结论"), max_length=8, choices=Outcome.choices)
    opinion = models.TextField(_("法律意见"))
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("合法性审核")
        verbose_name_plural = _("合法性审核")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.topic} {self.get_outcome_display()}"


class Objection(models.Model):
    """A resident's objection during publicity, lodged on the public page without logging in."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="objections")
    name = models.CharField(_("姓名（可不填）"), max_length=50, blank=True)
    text = models.TextField(_("异议内容"))
    # Optional, so that the leading group can answer the resident; never shown on the public page.
    contact_encrypted = models.TextField(_("联系电话（加密）"), blank=True, editable=False)
    contact_masked = models.CharField(_("联系电话"), max_length=24, blank=True)
    lodged_at = models.DateTimeField()
    # Keyed digests, for the rate limit: no address or session id is kept in clear.
    ip_digest = models.CharField(max_length=64, editable=False, db_index=True)
    session_digest = models.CharField(max_length=64, editable=False, blank=True)
    answer = models.TextField(_("答复"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["lodged_at", "id"]
        indexes = [models.Index(fields=["ip_digest", "lodged_at"], name="objection_rate_ip"),
                   models.Index(fields=["session_digest", "lodged_at"], name="objection_rate_session")]

    def __str__(self):
        return f"{self.topic} {self.lodged_at:%Y-%m-%d}"


class Progress(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="progress")
    note = models.TextField(_("进展情况"))
    at = models.DateTimeField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("执行进展")
        verbose_name_plural = _("执行进展")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.topic} {self.at:%Y-%m-%d}"


class ProgressPhoto(models.Model):
    progress = models.ForeignKey(Progress, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("照片"), upload_to="deliberation/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("进展照片")
        verbose_name_plural = _("进展照片")

    def __str__(self):
        return self.original_name


class Supervisor(models.Model):
    """A member of a village's 议事会监督小组 (retired party members, representatives, volunteers)."""

    village = models.ForeignKey(Area, verbose_name=_("村(社区)"), on_delete=models.CASCADE,
                                related_name="deliberation_supervisors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE,
                             related_name="supervised_villages")

    class Meta:
        verbose_name = _("监督小组成员")
        verbose_name_plural = _("监督小组")
        constraints = [models.UniqueConstraint(fields=["village", "user"], name="supervisor_once_per_village")]

    def __str__(self):
        return f"{self.village} {self.user}"


class SurveyResponse(models.Model):
    class Respondent(models.TextChoices):
        RESIDENT = "resident", _("居民")
        REPRESENTATIVE = "representative", _("群众代表")

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        FAIRLY = "fairly", _("基本满意")
        DISSATISFIED = "dissatisfied", _("不满意")

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="survey")
    respondent = models.CharField(_("受访人"), max_length=16, choices=Respondent.choices)
    rating = models.CharField(_("满意度"), max_length=12, choices=Rating.choices)
    note = models.CharField(_("意见"), max_length=200, blank=True)
    at = models.DateTimeField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.topic} {self.get_rating_display()}"
