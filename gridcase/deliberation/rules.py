"""Deliberation topics as a kind of rule subject (gridcase.escalation.kinds): conditions on state;
the deadline is the end of publicity while a topic is publicised and the end of the execution
deadline's day while its decision is carried out. Rules tell people (reminders, overdue notices)
or end the publicity (公示期满), through this app's services."""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridcase.deliberation import services
from gridcase.deliberation.models import State, Topic
from gridcase.escalation.kinds import Notice, SubjectKind, register
from gridcase.escalation.models import ASSIGNEES, SUPERVISORS, Action, Anchor


def end_of_day(day) -> datetime:
    """00:00 of the next day, local time: a topic due on `day` is overdue from then."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone.get_default_timezone())


class TopicKind(SubjectKind):
    key, label, model = "topic", _("援法议事议题"), Topic
    actions = (Action.NOTIFY, Action.END_PUBLICITY)
    actions_error = _("议题规则只能通知，或在公示期满时推进")
    anchors = {Anchor.REGISTERED: "registered_at"}
    groups = (ASSIGNEES, SUPERVISORS)
    reminders_lapse = True
    sweep_related = ("decision",)

    def area_code(self, topic) -> str:
        return topic.village_code

    def deadline(self, topic) -> datetime | None:
        if topic.state == State.PUBLICITY:
            return topic.publicity_ends_at
        if topic.state in (State.EXECUTING, State.COMPLETION_REPORTED) and topic.execution_deadline:
            return end_of_day(topic.execution_deadline)
        return None

    def apply(self, rule, topic) -> bool:
        if rule.action == Action.END_PUBLICITY:
            return services.publicity_end(topic_id=topic.pk, rule=rule, evaluate=False) is not None
        services.topic_note_rule(topic=topic, rule=rule)
        return False

    def people(self, group, topic):
        """ASSIGNEES: the person named to carry the decision out; SUPERVISORS: the village's oversight group."""
        if group == SUPERVISORS:
            return list(services.supervisors_of(topic.village_code))
        return [topic.responsible] if topic.responsible_id and topic.responsible.is_active else []

    def notice(self, rule, topic) -> Notice:
        if rule.action == Action.END_PUBLICITY:
            return Notice(kind="deliberation.publicity_ended", title=f"{rule.reason}：{topic.title}"[:200])
        kind, text = services.rule_notice(topic=topic, rule=rule)
        kind = {"execution_overdue": "overdue", "execution_reminded": "reminded"}.get(kind, kind)
        return Notice(kind=f"deliberation.{kind}", title=f"{rule.reason}：{topic.title}"[:200], body=text)

    def url(self, topic) -> str:
        return services.topic_url(topic)


register(TopicKind())
