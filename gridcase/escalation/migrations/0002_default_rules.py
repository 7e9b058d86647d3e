from django.db import migrations

OPEN_AT_LEVEL = ["registered", "accepted", "mediating", "failed", "escalated"]
UNSETTLED = ["accepted", "mediating", "failed"]

DEFAULT_RULES = [
    dict(name="群体性纠纷直接上报乡镇", priority=10, levels=["village"], states=OPEN_AT_LEVEL, people_at_least=5,
         action="escalate_to", target_level="town", notify=["town_leader"],
         reason="涉及 5 人以上的群体性纠纷，按规定直接上报乡镇（街道）"),
    dict(name="重大风险纠纷直接上报乡镇", priority=11, levels=["village"], states=OPEN_AT_LEVEL, risk_at_least=3,
         action="escalate_to", target_level="town", notify=["town_leader"],
         reason="风险等级为重大，按规定直接上报乡镇（街道）"),
    dict(name="民转刑风险直接上报乡镇", priority=12, levels=["village"], states=OPEN_AT_LEVEL, violence_risk=True,
         action="escalate_to", target_level="town", notify=["town_leader"],
         reason="存在民转刑风险，按规定直接上报乡镇（街道）"),
    dict(name="村级10个工作日未化解上报乡镇", priority=20, levels=["village"], states=UNSETTLED,
         working_days=10, anchor="accepted", action="escalate_one", notify=["mediator"],
         reason="村级受理后 10 个工作日内未调解成功，上报乡镇（街道）调委会"),
    dict(name="镇级20个工作日未化解上报县", priority=30, levels=["town"], states=UNSETTLED + ["escalated"],
         working_days=20, anchor="level_entered", action="escalate_one", notify=["county_admin"],
         reason="乡镇（街道）20 个工作日内未调解成功，上报县（区）"),
    dict(name="办理期限过80%提醒", priority=90, states=UNSETTLED, deadline_share=80, action="notify",
         notify=["assignees"], reason="办理期限已过 80%，请抓紧办理"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("escalation", "Rule")
    for rule in DEFAULT_RULES:
        Rule.objects.update_or_create(name=rule["name"], area=None, defaults=rule)


def unseed(apps, schema_editor):
    apps.get_model("escalation", "Rule").objects.filter(name__in=[r["name"] for r in DEFAULT_RULES], area=None).delete()


class Migration(migrations.Migration):
    dependencies = [("escalation", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
