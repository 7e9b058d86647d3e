"""The case lifecycle as data: which action moves a case from which state to which, and who may act.

    registered → accepted | declined → mediating → settled | failed → escalated | referred
    settled → followed_up → closed;  referred → closed;  escalated → accepted (at the next level)
"""

from django.utils.translation import gettext_lazy as _

from gridcase.accounts.models import Role
from gridcase.cases.models import State

TRANSITIONS: dict[str, dict[str, str]] = {
    State.REGISTERED: {"accept": State.ACCEPTED, "decline": State.DECLINED, "escalate": State.ESCALATED,
                       "merge": State.MERGED},
    State.ACCEPTED: {"mediate": State.MEDIATING, "escalate": State.ESCALATED, "refer": State.REFERRED,
                     "merge": State.MERGED},
    State.MEDIATING: {"settle": State.SETTLED, "fail": State.FAILED, "escalate": State.ESCALATED,
                      "refer": State.REFERRED},
    State.FAILED: {"escalate": State.ESCALATED, "refer": State.REFERRED},
    State.ESCALATED: {"accept": State.ACCEPTED, "escalate": State.ESCALATED, "refer": State.REFERRED},
    State.SETTLED: {"follow_up": State.FOLLOWED_UP},
    State.FOLLOWED_UP: {"close": State.CLOSED},
    State.REFERRED: {"close": State.CLOSED},
    State.CLOSED: {},
    State.DECLINED: {},
    State.MERGED: {},
}

# Actions that record something without moving the case, and the states they are allowed in.
RECORDS: dict[str, list[str]] = {
    "session": [State.MEDIATING],
    "edit": [State.REGISTERED, State.ACCEPTED, State.MEDIATING, State.FAILED, State.ESCALATED],
    "assign": [State.REGISTERED, State.ACCEPTED, State.MEDIATING, State.FAILED, State.ESCALATED],
    "attach": [s for s in State.values if s not in (State.MERGED,)],
    "reopen": [State.CLOSED],
    "performance": [State.SETTLED, State.FOLLOWED_UP, State.CLOSED],
    "report": [State.REGISTERED, State.ACCEPTED, State.MEDIATING, State.FAILED, State.ESCALATED],
}

LABELS = {
    "accept": _("受理"), "decline": _("不予受理"), "escalate": _("上报"), "merge": _("合并到其他案件"),
    "mediate": _("开始调解"), "settle": _("调解成功"), "fail": _("调解不成"), "refer": _("转办"),
    "follow_up": _("回访"), "close": _("结案"), "session": _("记录调解"), "edit": _("修改信息"),
    "assign": _("指派调解员"), "attach": _("上传附件"), "reopen": _("纠纷复发，重新登记"),
    "performance": _("更新协议履行情况"), "report": _("补充反映（并入此案）"),
}

HANDLERS = {Role.MEDIATOR, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN}
# Whose work a case is (the home page's task list, permissions.waiting_on): besides those assigned
# to it, mediators and village cadres take up the cases nobody is on at any level they handle;
# town leaders and county admins those of their own level (escalated to them), and they watch the
# overdue cases below them (督办).
TAKERS = {Role.MEDIATOR, Role.VILLAGE_CADRE}
SUPERVISORS = {Role.TOWN_LEADER, Role.COUNTY_ADMIN}
# Grid workers log cases, attach photos, visit afterwards and report a recurrence in their grids.
GRID_WORKER_ACTIONS = {"follow_up", "attach", "reopen", "report"}

EVENT_LABELS = {
    "case.registered": _("登记"), "case.accepted": _("受理"), "case.declined": _("不予受理"),
    "case.mediation_started": _("开始调解"), "case.session_recorded": _("记录调解"), "case.settled": _("调解成功"),
    "case.failed": _("调解不成"), "case.escalated": _("上报"), "case.referred": _("转办"),
    "case.followed_up": _("回访"), "case.closed": _("结案"), "case.recurred": _("纠纷复发"),
    "case.merged": _("合并"), "case.merged_in": _("并入重复案件"), "case.updated": _("修改信息"),
    "case.assigned": _("指派调解员"), "case.attachment_added": _("上传附件"), "case.deadline_set": _("设定期限"),
    "case.rule_warning": _("规则提醒"), "case.agreement_updated": _("更新协议履行情况"),
    "case.reported_again": _("再次反映"),
}

# The mediator's work queues: what each group of states asks of them next.
QUEUES = {
    "to_accept": (_("待受理"), [State.REGISTERED, State.ESCALATED]),
    "mediating": (_("调解中"), [State.ACCEPTED, State.MEDIATING, State.FAILED]),
    "to_follow_up": (_("待回访"), [State.SETTLED]),
    "to_close": (_("待结案"), [State.FOLLOWED_UP, State.REFERRED]),
}

# The next step a case waits for, by state (a case in any other state waits for nothing).
NEXT_STEP = {
    State.REGISTERED: _("待受理"), State.ESCALATED: _("上报待受理"), State.ACCEPTED: _("待调解"),
    State.MEDIATING: _("调解中"), State.FAILED: _("调解不成，待上报或转办"), State.SETTLED: _("待回访"),
    State.FOLLOWED_UP: _("待结案"), State.REFERRED: _("转办待结案"),
}
