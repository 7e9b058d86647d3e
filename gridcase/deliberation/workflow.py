"""The 援法议事 procedure as data: which action moves a topic from which state, and who may take it.

    collected → accepted (or fast-tracked) | rejected
    accepted → scheduled (on a meeting's agenda) → decided (minutes and votes recorded)
    decided → publicity (legal adviser approves) | scheduled (adviser requires a change)
    publicity → objected (a resident objects) → publicity (answered, upheld) | accepted (deliberate again)
    publicity → executing (period over, passed) | closed (period over, not passed)
    executing → completion_reported → completed (oversight group confirms) | executing (rejected)
"""

from django.utils.translation import gettext_lazy as _

from gridcase.deliberation.models import State

TRANSITIONS: dict[str, dict[str, str]] = {
    State.COLLECTED: {"accept": State.ACCEPTED, "fast_track": State.ACCEPTED, "reject": State.REJECTED},
    State.ACCEPTED: {"schedule": State.SCHEDULED},
    State.SCHEDULED: {"decide": State.DECIDED, "unschedule": State.ACCEPTED},
    State.DECIDED: {"approve": State.PUBLICITY, "require_change": State.SCHEDULED},
    State.PUBLICITY: {"object": State.OBJECTED, "end_publicity": State.EXECUTING},
    State.OBJECTED: {"object": State.OBJECTED, "resume_publicity": State.PUBLICITY, "redeliberate": State.ACCEPTED},
    State.EXECUTING: {"report_completion": State.COMPLETION_REPORTED},
    State.COMPLETION_REPORTED: {"confirm_completion": State.COMPLETED, "reject_completion": State.EXECUTING},
    State.COMPLETED: {},
    State.REJECTED: {},
    State.CLOSED: {},
}

# Actions that record something without moving the topic, and the states they are allowed in.
RECORDS: dict[str, list[str]] = {
    "answer": [State.OBJECTED, State.PUBLICITY, State.EXECUTING, State.ACCEPTED],
    "assign": [State.EXECUTING],
    "progress": [State.EXECUTING],
    "survey": [State.COMPLETED],
}

# Who takes each action. "cadre": the village's leading group (a village cadre of the village);
# "adviser": a legal adviser of the town; "supervisor": the village's oversight group;
# "responsible": the person named to carry the decision out; "public": anyone on the public page;
# "system": the rules engine (gridcase.deliberation.rules).
ACTORS: dict[str, set[str]] = {
    "accept": {"cadre"}, "fast_track": {"cadre"}, "reject": {"cadre"},
    "schedule": {"cadre"}, "unschedule": {"cadre"}, "decide": {"cadre"},
    "approve": {"adviser"}, "require_change": {"adviser"},
    "object": {"public"}, "end_publicity": {"system"},
    "resume_publicity": {"cadre"}, "redeliberate": {"cadre"}, "answer": {"cadre"},
    "assign": {"cadre"}, "progress": {"cadre", "responsible"}, "report_completion": {"cadre", "responsible"},
    "confirm_completion": {"supervisor"}, "reject_completion": {"supervisor"},
    "survey": {"cadre"},
}

LABELS = {
    "accept": _("采纳议题"), "fast_track": _("急事急议/特事特议"), "reject": _("不予采纳"),
    "schedule": _("列入议程"), "unschedule": _("移出议程"), "decide": _("记录议事结果"),
    "approve": _("法律审核通过"), "require_change": _("法律审核：需修改"),
    "object": _("提出异议"), "end_publicity": _("公示期满"),
    "resume_publicity": _("答复完毕，继续公示"), "redeliberate": _("重新上会议事"), "answer": _("答复异议"),
    "assign": _("明确责任人与期限"), "progress": _("登记执行进展"), "report_completion": _("报告完成"),
    "confirm_completion": _("确认完成"), "reject_completion": _("退回：未完成"),
    "survey": _("登记满意度测评"),
}

# Actions offered as buttons on the topic page (the others happen on the meeting page, the public
# page, or by the rules).
PAGE_ACTIONS = ["accept", "fast_track", "reject", "approve", "require_change", "resume_publicity", "redeliberate",
                "assign", "progress", "report_completion", "confirm_completion", "reject_completion", "survey"]

EVENT_LABELS = {
    "topic.collected": _("征集议题"), "topic.accepted": _("采纳议题"), "topic.fast_tracked": _("急事急议/特事特议"),
    "topic.rejected": _("不予采纳"), "topic.scheduled": _("列入议程"), "topic.unscheduled": _("移出议程"),
    "topic.decided": _("议事会议决"), "topic.approved": _("法律审核通过"), "topic.change_required": _("法律审核：需修改"),
    "topic.objection_lodged": _("群众提出异议"), "topic.objection_answered": _("答复异议"),
    "topic.publicity_resumed": _("继续公示"), "topic.redeliberation": _("重新上会议事"),
    "topic.publicity_ended": _("公示期满无异议"), "topic.assigned": _("明确责任人与期限"),
    "topic.progress": _("执行进展"), "topic.completion_reported": _("报告完成"),
    "topic.completion_confirmed": _("监督小组确认完成"), "topic.completion_rejected": _("监督小组退回"),
    "topic.execution_overdue": _("执行逾期提醒"), "topic.execution_reminded": _("执行到期提醒"),
    "topic.rule_warning": _("规则提醒"), "topic.surveyed": _("满意度测评"),
}
