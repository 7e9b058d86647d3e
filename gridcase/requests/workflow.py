"""The life of a request as data: which action moves it from which state, and who may act.

    registered 待分流 → triage → handling 办理中 (大事 at a town office; 小事 in the village, 一事一议
                                                  or 转援法议事)
                              | replied 已答复 (私事: the guidance note is the reply)
    handling (小事) → deliberate (its 援法议事 topic registered by gridcase.deliberation) → deliberating 议事中
    handling | deliberating | mediation → reply → replied → close (with satisfaction) → closed
    replied → feedback (not satisfied, reopen) → handling
    registered | handling → merge → merged;  → to_case → mediation 转入调解
"""

from django.utils.translation import gettext_lazy as _

from gridcase.accounts.models import Role
from gridcase.requests.models import State

TRANSITIONS: dict[str, set[str]] = {
    State.REGISTERED: {"triage", "merge", "to_case"},
    State.HANDLING: {"triage", "reply", "merge", "to_case", "deliberate"},
    State.DELIBERATING: {"reply", "deliberate"},  # deliberate: only while no topic is linked (permissions)
    State.MEDIATION: {"reply"},
    State.REPLIED: {"close", "feedback"},
    State.CLOSED: set(),
    State.MERGED: set(),
}

LABELS = {
    "triage": _("分流"), "reply": _("答复"), "close": _("办结（记录满意度）"), "feedback": _("反映人不满意，重新办理"),
    "merge": _("合并到其他诉求"), "to_case": _("转为矛盾纠纷调解"), "deliberate": _("转援法议事"),
}

# Who may take each action, by role (jurisdiction is checked as well; see permissions).
ROLES = {
    "triage": {Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN},
    "reply": {Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN},
    "close": {Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN},
    "feedback": {Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN},
    "merge": {Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN},
    "to_case": {Role.VILLAGE_CADRE, Role.MEDIATOR, Role.TOWN_LEADER, Role.COUNTY_ADMIN},
    "deliberate": {Role.VILLAGE_CADRE, Role.TOWN_LEADER},  # those who may register the topic (deliberation)
}
REGISTRARS = {Role.GRID_WORKER, Role.MEDIATOR, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN}

EVENT_LABELS = {
    "request.registered": _("登记"), "request.triaged": _("分流"), "request.replied": _("答复"),
    "request.closed": _("办结"), "request.reopened": _("反映人不满意，重新办理"), "request.merged": _("并入其他诉求"),
    "request.merged_in": _("并入重复反映"), "request.to_case": _("转为矛盾纠纷调解"),
    "request.to_deliberation": _("转援法议事"), "request.reminded": _("期限提醒"), "request.overdue": _("已超期"),
    "request.rule_warning": _("规则提醒"),
}
