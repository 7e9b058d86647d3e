"""The hazard lifecycle as data: which action moves a hazard from which state to which, and who may act.

    reported → verified | rejected;  verified → rectifying (整改中, deadline and responsible party set)
    rectifying → rectified (an after photo is required) → closed (销号) | rectifying again (返工, counted)

While rectifying, an extension may be requested (延期申请) and decided (审核; counted when approved,
and approval moves the deadline). Escalation moves the supervising level (village → town → county)
without changing the state; the rules engine does it when a hazard is overdue.

Who may act:
- report: grid workers (in their grids), village cadres, town leaders, county admins;
- verify, reject, order rectification, check and close, send back for rework, escalate: the
  *supervisors* of the hazard's level — a village cadre for a village-level hazard in their village,
  a town leader for village- and town-level hazards in their town, a county admin for all;
- record the rectification (with the after photo), request an extension, add photos: the grid
  workers of the hazard's grid as well as its supervisors;
- decide an extension: town leaders and county admins only (a village does not extend its own
  deadline), whatever the hazard's level.
"""

from django.utils.translation import gettext_lazy as _

from gridcase.accounts.models import Role
from gridcase.hazards.models import OPEN_STATES, State

TRANSITIONS: dict[str, dict[str, str]] = {
    State.REPORTED: {"verify": State.VERIFIED, "reject": State.REJECTED},
    State.VERIFIED: {"rectify": State.RECTIFYING},
    State.RECTIFYING: {"complete": State.RECTIFIED},
    State.RECTIFIED: {"close": State.CLOSED, "rework": State.RECTIFYING},
    State.REJECTED: {},
    State.CLOSED: {},
}

# Actions that record something without moving the hazard, and the states they are allowed in.
RECORDS: dict[str, list[str]] = {
    "extend": [State.RECTIFYING],
    "decide_extension": [State.RECTIFYING],
    "escalate": list(OPEN_STATES),
    "photo": list(OPEN_STATES),
}

LABELS = {
    "verify": _("核实"), "reject": _("不予核实"), "rectify": _("下达整改"), "complete": _("整改完成（上传整改后照片）"),
    "close": _("验收销号"), "rework": _("验收不合格，返工"), "extend": _("申请延期"),
    "decide_extension": _("审核延期申请"), "escalate": _("上报督办"), "photo": _("上传照片"),
}

REPORTERS = {Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN}
SUPERVISORS = {Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN}
EXTENSION_APPROVERS = {Role.TOWN_LEADER, Role.COUNTY_ADMIN}
# What a grid worker may do in their own grids, besides reporting.
GRID_WORKER_ACTIONS = {"complete", "extend", "photo"}

EVENT_LABELS = {
    "hazard.reported": _("上报隐患"), "hazard.verified": _("核实"), "hazard.rejected": _("不予核实"),
    "hazard.rectification_ordered": _("下达整改"), "hazard.rectified": _("整改完成"), "hazard.closed": _("验收销号"),
    "hazard.reworked": _("返工"), "hazard.extension_requested": _("申请延期"),
    "hazard.extension_approved": _("批准延期"), "hazard.extension_refused": _("不批准延期"),
    "hazard.escalated": _("上报督办"), "hazard.photo_added": _("上传照片"), "hazard.rule_warning": _("规则提醒"),
}

# What each role is asked to do next, by state (the task list). Supervisors are asked about the
# hazards of their own level only: a village's hazards are the village's work until escalated.
_SUPERVISOR_TODO = {State.REPORTED: _("待核实"), State.VERIFIED: _("待下达整改"), State.RECTIFYING: _("督办整改"),
                    State.RECTIFIED: _("待验收")}
TODO = {
    Role.GRID_WORKER: {State.RECTIFYING: _("跟进整改")},
    Role.VILLAGE_CADRE: {s: label for s, label in _SUPERVISOR_TODO.items() if s != State.RECTIFYING},
    Role.TOWN_LEADER: _SUPERVISOR_TODO,
    Role.COUNTY_ADMIN: _SUPERVISOR_TODO,
}
