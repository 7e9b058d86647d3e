"""Hazards as a kind of rule subject (gridcase.escalation.kinds): conditions on the supervising
level, state, category and severity; they only escalate (上报督办) or warn, through this app's services."""

from django.utils.translation import gettext_lazy as _

from gridcase.accounts.models import Role, User
from gridcase.cases.rules import ESCALATIONS, escalation_target
from gridcase.escalation.kinds import SubjectKind, register
from gridcase.escalation.models import Action, Anchor
from gridcase.hazards import services
from gridcase.hazards.models import Hazard


class HazardKind(SubjectKind):
    key, label, model = "hazard", _("隐患"), Hazard
    conditions = ("levels", "states", "hazard_categories", "risk_at_least")
    actions = (Action.ESCALATE_ONE, Action.ESCALATE_TO, Action.NOTIFY)
    actions_error = _("隐患规则只能上报或通知")
    # A hazard is "registered" when reported, "accepted" when verified.
    anchors = {Anchor.REGISTERED: "reported_at", Anchor.ACCEPTED: "verified_at",
               Anchor.LEVEL_ENTERED: "level_entered_at"}
    sweep_related = ("category",)

    def matches(self, rule, hazard) -> bool:
        hazard_categories = {c.pk for c in rule.hazard_categories.all()}
        return not (
            (rule.levels and hazard.level not in rule.levels)
            or (rule.states and hazard.state not in rule.states)
            or (rule.risk_at_least is not None and hazard.severity < rule.risk_at_least)
            or (hazard_categories and hazard.category_id not in hazard_categories)
        )

    def share_start(self, hazard):
        return hazard.rectifying_since

    def occasion(self, hazard) -> str:
        """Its level and deadline: an approved extension is a new occasion, so the reminder before
        the new deadline goes out too."""
        return f"{hazard.level}@{int(hazard.deadline.timestamp()) if hazard.deadline else '-'}"

    def apply(self, rule, hazard) -> bool:
        if rule.action in ESCALATIONS:
            if target := escalation_target(rule, hazard.level):
                services.hazard_escalate(hazard=hazard, actor=None, reason=rule.reason, to_level=target, rule=rule,
                                         evaluate=False)
                return True
            return False
        services.hazard_note_rule(hazard=hazard, reason=rule.reason, rule=rule)
        return False

    def people(self, group, hazard):
        """The grid workers of the hazard's grid."""
        return list(User.objects.filter(is_active=True, role=Role.GRID_WORKER, grids=hazard.grid_id))

    def url(self, hazard) -> str:
        return f"/hazards/{hazard.pk}/"


register(HazardKind())
