"""Mediation cases as a kind of rule subject (gridcase.escalation.kinds): conditions on level,
state, category, risk, people, amount and violence; escalation, referral, a deadline or a warning,
each through this app's services."""

from django.utils.translation import gettext_lazy as _

from gridcase.cases import services
from gridcase.cases.models import LEVEL_ORDER, Case
from gridcase.escalation.kinds import SubjectKind, register
from gridcase.escalation.models import Action, Anchor
from gridcase.lib import clock
from gridcase.workdays.selectors import add_working_days

ESCALATIONS = (Action.ESCALATE_ONE, Action.ESCALATE_TO)


def escalation_target(rule, level: str) -> str | None:
    """The level an escalating rule moves something at `level` to, or None when that is not up
    (already there or above, or nowhere above). A rule without a target means the next level."""
    current = LEVEL_ORDER.index(level)
    target = LEVEL_ORDER.index(rule.target_level) if rule.action == Action.ESCALATE_TO else current + 1
    return LEVEL_ORDER[target] if current < target < len(LEVEL_ORDER) else None


class CaseKind(SubjectKind):
    key, label, model = "case", _("矛盾纠纷"), Case
    conditions = ("levels", "states", "categories", "risk_at_least", "people_at_least", "amount_at_least",
                  "violence_risk")
    actions = (Action.ESCALATE_ONE, Action.ESCALATE_TO, Action.REFER, Action.NOTIFY, Action.SET_DEADLINE)
    anchors = {Anchor.REGISTERED: "registered_at", Anchor.ACCEPTED: "accepted_at",
               Anchor.LEVEL_ENTERED: "level_entered_at"}
    sweep_related = ("category",)

    def matches(self, rule, case) -> bool:
        return not (
            (rule.levels and case.level not in rule.levels)
            or (rule.states and case.state not in rule.states)
            or (rule.risk_at_least is not None and case.risk < rule.risk_at_least)
            or (rule.people_at_least is not None and case.people_involved < rule.people_at_least)
            or (rule.amount_at_least is not None and (case.amount or 0) < rule.amount_at_least)
            or (rule.violence_risk is not None and case.violence_risk != rule.violence_risk)
            or (rule.categories.all() and case.category_id not in {c.pk for c in rule.categories.all()})
        )

    def share_start(self, case):
        return case.level_entered_at

    def occasion(self, case) -> str:
        """A case's stay at its current level."""
        entered = case.level_entered_at.isoformat() if case.level_entered_at else "-"
        return f"{case.level}@{entered}"

    def apply(self, rule, case) -> bool:
        if rule.action in ESCALATIONS:
            if target := escalation_target(rule, case.level):
                services.case_escalate(case=case, actor=None, reason=rule.reason, to_level=target, rule=rule,
                                       evaluate=False)
                return True
            return False
        if rule.action == Action.REFER:
            services.case_refer(case=case, actor=None, to=rule.refer_to, reason=rule.reason, rule=rule, evaluate=False)
            return True
        if rule.action == Action.SET_DEADLINE:
            services.case_set_deadline(case=case, deadline=add_working_days(clock.now(), rule.deadline_working_days),
                                       reason=rule.reason, rule=rule)
        else:
            services.case_note_rule(case=case, reason=rule.reason, rule=rule)
        return False

    def people(self, group, case):
        return list(case.mediators.all())

    def url(self, case) -> str:
        return f"/cases/{case.pk}/"


register(CaseKind())
