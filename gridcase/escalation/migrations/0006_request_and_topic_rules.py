"""Default rules for resident requests and deliberation topics, doing what the two beat tasks they
replace did (requests.tasks.remind_deadlines, deliberation.tasks.sweep), with their wording:

- a request is reminded to those who must act (a 大事's office handlers, else the town leaders; a
  小事's village cadres) a working day before its deadline, and they are told once it has passed;
  for a 大事 the town leader is told too;
- a topic whose publicity period is over moves on (a passed decision into execution, a rejected one
  closed); its execution is reminded to the person responsible and the oversight group the day
  before its deadline, and the village cadres and the town leader are told once it is overdue.

The reminders the old tasks had sent are carried over as firings, so none goes out twice; open
requests and topics get a next check, so the sweep looks at them at once.
"""

from datetime import datetime, time, timedelta

from django.db import migrations
from django.utils import timezone

OPEN_REQUEST = ["registered", "handling", "deliberating", "mediation"]

REQUEST_RULES = [
    dict(name="大事到期前1个工作日提醒", priority=60, request_kinds=["major"], deadline_offset=-1,
         notify=["assignees"], reason="诉求即将到期"),
    dict(name="大事超期通知", priority=61, request_kinds=["major"], deadline_offset=0,
         notify=["assignees", "town_leader"], reason="诉求已超期"),
    dict(name="小事到期前1个工作日提醒", priority=62, request_kinds=["minor"], deadline_offset=-1,
         notify=["assignees"], reason="诉求即将到期"),
    dict(name="小事超期通知", priority=63, request_kinds=["minor"], deadline_offset=0, notify=["assignees"],
         reason="诉求已超期"),
]
TOPIC_RULES = [
    dict(name="议题公示期满进入执行", priority=70, states=["publicity"], deadline_offset=0, action="end_publicity",
         notify=[], reason="公示期满：无异议的进入执行，未通过的结束"),
    dict(name="议定事项到期前1天提醒", priority=71, states=["executing"], deadline_offset=-1,
         notify=["assignees", "supervisors"], reason="议定事项即将到期"),
    dict(name="议定事项执行逾期提醒", priority=72, states=["executing"], deadline_offset=0,
         notify=["village_cadre", "town_leader"], reason="议定事项执行逾期"),
]
RULES = [rule | {"kind": "request", "states": OPEN_REQUEST, "action": "notify"} for rule in REQUEST_RULES] + [
    {"action": "notify"} | rule | {"kind": "topic"} for rule in TOPIC_RULES]
NAMES = [rule["name"] for rule in RULES]


def _end_of_day(day) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=timezone.get_default_timezone())


def seed(apps, schema_editor):
    Rule = apps.get_model("escalation", "Rule")
    rules = {}
    for rule in RULES:
        rules[rule["name"]], _created = Rule.objects.update_or_create(name=rule["name"], area=None, defaults=rule)
    carry_over(apps, rules)


def carry_over(apps, rules):
    RuleFiring = apps.get_model("escalation", "RuleFiring")
    Request = apps.get_model("requests", "Request")
    Topic = apps.get_model("deliberation", "Topic")
    now = timezone.now()
    firings = []
    words = {"major": "大事", "minor": "小事"}
    requests = Request.objects.filter(state__in=OPEN_REQUEST, deadline__isnull=False, kind__in=list(words))
    for pk, kind, deadline, reminded, overdue in requests.values_list(
            "pk", "kind", "deadline", "reminded_at", "overdue_notified_at").iterator():
        key = f"@{int(deadline.timestamp())}"
        for sent, name in ((reminded, "到期前1个工作日提醒"), (overdue, "超期通知")):
            if sent:
                firings.append(RuleFiring(rule=rules[words[kind] + name], subject_kind="request", subject_id=pk,
                                          key=key, fired_at=sent))
    topics = Topic.objects.filter(state="executing", execution_deadline__isnull=False, overdue_notified_at__isnull=False)
    for pk, deadline, sent in topics.values_list("pk", "execution_deadline", "overdue_notified_at").iterator():
        firings.append(RuleFiring(rule=rules["议定事项执行逾期提醒"], subject_kind="topic", subject_id=pk,
                                  key=f"executing@{int(_end_of_day(deadline).timestamp())}", fired_at=sent))
    RuleFiring.objects.bulk_create(firings, batch_size=1000, ignore_conflicts=True)
    requests.update(next_check_at=now)
    Topic.objects.filter(state="publicity").update(next_check_at=now)
    Topic.objects.filter(state="executing", execution_deadline__isnull=False).update(next_check_at=now)


def unseed(apps, schema_editor):
    # Row by row at the query level: the collector's cascade trips over the historical models here.
    Rule = apps.get_model("escalation", "Rule")
    ids = list(Rule.objects.filter(name__in=NAMES, area=None).values_list("pk", flat=True))
    Rule.objects.filter(overrides__in=ids).update(overrides=None)
    apps.get_model("escalation", "RuleFiring").objects.filter(rule__in=ids)._raw_delete(schema_editor.connection.alias)
    Rule.objects.filter(pk__in=ids)._raw_delete(schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0005_rules_for_any_kind"),
        ("requests", "0006_next_check"),
        ("deliberation", "0005_next_check"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
