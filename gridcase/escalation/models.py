from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area
from gridcase.accounts.models import Role
from gridcase.cases.models import Category, Level, ReferralBody, Risk
from gridcase.hazards.models import HazardCategory
from gridcase.requests.models import Kind as RequestKind


class Anchor(models.TextChoices):
    REGISTERED = "registered", _("登记")
    ACCEPTED = "accepted", _("受理")
    LEVEL_ENTERED = "level_entered", _("进入当前层级（受理或上报）")


class Action(models.TextChoices):
    ESCALATE_ONE = "escalate_one", _("上报上一级")
    ESCALATE_TO = "escalate_to", _("上报至指定层级")
    REFER = "refer", _("转办")
    NOTIFY = "notify", _("仅通知")
    SET_DEADLINE = "set_deadline", _("设定办理期限")
    END_PUBLICITY = "end_publicity", _("公示期满：进入执行（未通过的结束）")


class Kind(models.TextChoices):
    """What a rule applies to."""

    CASE = "case", _("矛盾纠纷")
    HAZARD = "hazard", _("隐患")
    REQUEST = "request", _("民情诉求")
    TOPIC = "topic", _("援法议事议题")


# Whom a rule notifies, besides roles: those who handle the thing (each kind says who: the mediators
# of a case, the grid workers of a hazard's grid, the office or village cadres of a request, the
# person carrying out a topic's decision) and, for topics, the village's oversight group.
ASSIGNEES = "assignees"
SUPERVISORS = "supervisors"
NOTIFY_CHOICES = [(ASSIGNEES, _("承办人（调解员／网格员／诉求经办人／议定事项责任人）")),
                  (SUPERVISORS, _("监督小组（援法议事）")), *Role.choices]


class Rule(models.Model):
    """An escalation rule: when every condition that is set holds, do the action and say why.

    Conditions left empty do not restrict. Rules with no area apply everywhere; a rule for a town
    may override a general one (`overrides`), which then does not apply in that town.
    """

    kind = models.CharField(_("适用对象"), max_length=8, choices=Kind.choices, default=Kind.CASE)
    name = models.CharField(_("名称"), max_length=100)
    reason = models.CharField(_("理由（显示在时间线和通知中）"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小的先执行"))
    active = models.BooleanField(_("启用"), default=True)
    area = models.ForeignKey(Area, verbose_name=_("适用区域"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("留空为全县默认；填写乡镇则仅适用于该乡镇"))
    overrides = models.ForeignKey("self", verbose_name=_("替代的规则"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="overridden_by")

    levels = ArrayField(models.CharField(max_length=8, choices=Level.choices), verbose_name=_("办理层级"),
                        default=list, blank=True)
    # The states of the rule's kind (gridcase.escalation.kinds): the form offers and checks them.
    states = ArrayField(models.CharField(max_length=20), verbose_name=_("状态"), default=list, blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("纠纷类型"), blank=True)
    hazard_categories = models.ManyToManyField(HazardCategory, verbose_name=_("隐患类别"), blank=True)
    request_kinds = ArrayField(models.CharField(max_length=8, choices=RequestKind.choices),
                               verbose_name=_("三事分流"), default=list, blank=True)
    risk_at_least = models.PositiveSmallIntegerField(_("风险（隐患）等级不低于"), choices=Risk.choices, null=True,
                                                     blank=True)
    people_at_least = models.PositiveIntegerField(_("涉及人数不少于"), null=True, blank=True)
    amount_at_least = models.DecimalField(_("涉及金额不少于"), max_digits=14, decimal_places=2, null=True, blank=True)
    violence_risk = models.BooleanField(_("有民转刑风险"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("自起算点起满工作日"), null=True, blank=True)
    anchor = models.CharField(_("起算点"), max_length=16, choices=Anchor.choices, default=Anchor.LEVEL_ENTERED)
    deadline_share = models.PositiveSmallIntegerField(_("办理期限已过百分比"), null=True, blank=True,
                                                      help_text=_("例如 80：期限过去 80% 时"))
    deadline_offset = models.SmallIntegerField(_("相对期限的工作日"), null=True, blank=True,
                                               help_text=_("负数为期限前，例如 -2：到期前 2 个工作日；0：一到期；5：超期 5 个工作日"))

    action = models.CharField(_("动作"), max_length=16, choices=Action.choices)
    target_level = models.CharField(_("上报至"), max_length=8, choices=Level.choices, blank=True)
    refer_to = models.CharField(_("转办至"), max_length=12, choices=ReferralBody.choices, blank=True)
    deadline_working_days = models.PositiveSmallIntegerField(_("期限（工作日）"), null=True, blank=True)
    notify = ArrayField(models.CharField(max_length=20, choices=NOTIFY_CHOICES), verbose_name=_("通知"),
                        default=list, blank=True)
    urgent = models.BooleanField(_("紧急，须签收"), default=False,
                                 help_text=_("通知须有人签收；无人签收则按升级策略再次提醒并通知下一位"))
    ack_minutes = models.PositiveSmallIntegerField(_("签收时限（分钟）"), default=15,
                                                   validators=[MinValueValidator(1), MaxValueValidator(24 * 60)])

    class Meta:
        verbose_name = _("上报规则")
        verbose_name_plural = _("上报规则")
        ordering = ["priority", "id"]
        constraints = [
            models.CheckConstraint(name="rule_escalate_to_has_level",
                                   condition=~Q(action="escalate_to") | ~Q(target_level="")),
            models.CheckConstraint(name="rule_refer_has_body", condition=~Q(action="refer") | ~Q(refer_to="")),
            models.CheckConstraint(name="rule_set_deadline_has_days",
                                   condition=~Q(action="set_deadline") | Q(deadline_working_days__isnull=False)),
        ]

    def __str__(self):
        return self.name

    @property
    def is_timed(self) -> bool:
        return self.working_days is not None or self.deadline_share is not None or self.deadline_offset is not None


class FiringQuerySet(models.QuerySet):
    def of(self, subject):
        """The firings for one case, hazard, request or topic."""
        from gridcase.escalation import kinds

        return self.filter(subject_kind=kinds.of(subject).key, subject_id=subject.pk)


class RuleFiring(models.Model):
    """A rule fired for one thing of the rule's kind (a case, a hazard, a request, a topic). Unique
    per (rule, subject, key) so that it fires once per occasion: the key names the occasion (each
    kind says what: for a case, its level and when it entered it; for a hazard or a request, its
    deadline), and a second sweep or a racing worker that tries the same firing inserts nothing."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    subject_kind = models.CharField(max_length=8, choices=Kind.choices)
    subject_id = models.BigIntegerField()
    key = models.CharField(max_length=64)
    fired_at = models.DateTimeField()

    objects = FiringQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "subject_kind", "subject_id", "key"], name="rule_fires_once"),
        ]
        indexes = [models.Index(fields=["subject_kind", "subject_id", "key"], name="rule_firing_subject")]

    def __str__(self):
        return f"{self.rule} → {self.subject_kind} {self.subject_id} ({self.key})"
