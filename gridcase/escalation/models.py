from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.models import Area
from gridcase.accounts.models import Role
from gridcase.cases.models import Category, Level, ReferralBody, Risk, State
from gridcase.hazards.models import HazardCategory
from gridcase.hazards.models import State as HazardState


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


class Kind(models.TextChoices):
    """What a rule applies to."""

    CASE = "case", _("矛盾纠纷")
    HAZARD = "hazard", _("隐患")


# Whom a rule notifies, besides roles: the mediators assigned to a case; the grid workers of a hazard's grid.
ASSIGNEES = "assignees"
NOTIFY_CHOICES = [(ASSIGNEES, _("承办人（案件调解员／隐患所在网格员）")), *Role.choices]
# Case and hazard states share one column; "closed" is in both.
STATE_CHOICES = list({value: (value, label) for value, label in [*State.choices, *HazardState.choices]}.values())


class Rule(models.Model):
    """An escalation rule: when every condition that is set holds, do the action and say why.

    Conditions left empty do not restrict. Rules with no area apply everywhere; a rule for a town
    may override a general one (`overrides`), which then does not apply in that town.
    """

    kind = models.CharField(_("适用对象"), max_length=8, choices=Kind.choices, default=Kind.CASE)
    name = models.CharField(_("名称"), max_length=100)
    reason = models.CharField(_("理由（显示在案件时间线）"), max_length=200)
    priority = models.PositiveSmallIntegerField(_("优先级"), default=100, help_text=_("数字小的先执行"))
    active = models.BooleanField(_("启用"), default=True)
    area = models.ForeignKey(Area, verbose_name=_("适用区域"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", help_text=_("留空为全县默认；填写乡镇则仅适用于该乡镇"))
    overrides = models.ForeignKey("self", verbose_name=_("替代的规则"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="overridden_by")

    levels = ArrayField(models.CharField(max_length=8, choices=Level.choices), verbose_name=_("办理层级"),
                        default=list, blank=True)
    states = ArrayField(models.CharField(max_length=12, choices=STATE_CHOICES), verbose_name=_("状态"),
                        default=list, blank=True)
    categories = models.ManyToManyField(Category, verbose_name=_("纠纷类型"), blank=True)
    hazard_categories = models.ManyToManyField(HazardCategory, verbose_name=_("隐患类别"), blank=True)
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


class RuleFiring(models.Model):
    """A rule fired for a case or a hazard (exactly one of the two). Unique per (rule, subject, key)
    so that it fires once per occasion: the key names the occasion (for a case, the level and when
    it entered it; for a hazard, the level and its deadline), and a second sweep or a racing worker
    that tries the same firing inserts nothing."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="firings")
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    fired_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "case", "key"], name="rule_fires_once"),
            models.UniqueConstraint(fields=["rule", "hazard", "key"], name="rule_fires_once_per_hazard"),
            models.CheckConstraint(name="rule_firing_has_one_subject",
                                   condition=Q(case__isnull=False, hazard__isnull=True)
                                   | Q(case__isnull=True, hazard__isnull=False)),
        ]

    def __str__(self):
        return f"{self.rule} → {self.case_id or f'hazard {self.hazard_id}'} ({self.key})"
