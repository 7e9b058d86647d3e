"""Resident requests as a kind of rule subject (gridcase.escalation.kinds): conditions on state and
三事 kind; the deadline set at triage (an office's time limit for a 大事, the village's for a 小事);
rules only tell people (a reminder before the deadline, a notice once it has passed), through
this app's services."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridcase.escalation.kinds import Notice, SubjectKind, register
from gridcase.escalation.models import Anchor
from gridcase.requests import services
from gridcase.requests.models import Request


class RequestKind(SubjectKind):
    key, label, model = "request", gettext_lazy("民情诉求"), Request
    conditions = ("states", "request_kinds")
    actions_error = gettext_lazy("民情诉求规则只能通知")
    anchors = {Anchor.REGISTERED: "registered_at"}
    reminders_lapse = True
    sweep_related = ("category", "office")

    def matches(self, rule, request) -> bool:
        return not ((rule.states and request.state not in rule.states)
                    or (rule.request_kinds and request.kind not in rule.request_kinds))

    def occasion(self, request) -> str:
        """Its deadline: moving to 议事中 keeps it (and the reminder already sent); a reopened
        request has a new one, reminded again."""
        return f"@{int(request.deadline.timestamp())}" if request.deadline else "@-"

    def apply(self, rule, request) -> bool:
        services.request_note_rule(request=request, rule=rule)
        return False

    def people(self, group, request):
        """Who must act: the office's handlers in the town (else its leaders) for a 大事, the
        village cadres otherwise."""
        return services.responsible_users(request)

    def notice(self, rule, request) -> Notice:
        deadline = timezone.localtime(request.deadline).strftime("%Y-%m-%d %H:%M") if request.deadline else "—"
        return Notice(kind=services.notice_kind(rule), title=f"{rule.reason}：{request.number}",
                      body=_("办理期限 %(deadline)s：%(matter)s") % {"deadline": deadline, "matter": request.matter[:100]})

    def url(self, request) -> str:
        return services.request_url(request)


register(RequestKind())
