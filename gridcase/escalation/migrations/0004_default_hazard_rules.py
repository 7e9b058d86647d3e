from django.db import migrations

OPEN = ["reported", "verified", "rectifying", "rectified"]

DEFAULT_HAZARD_RULES = [
    dict(name="重大隐患直接上报乡镇督办", priority=40, levels=["village"], states=OPEN, risk_at_least=3,
         action="escalate_to", target_level="town", notify=["town_leader"],
         reason="隐患等级为重大，按规定直接上报乡镇（街道）督办"),
    dict(name="隐患整改到期前2个工作日提醒", priority=41, levels=["village"], states=["rectifying"],
         deadline_offset=-2, action="notify", notify=["village_cadre", "assignees"],
         reason="整改期限仅剩 2 个工作日，请督促责任方按期完成整改"),
    dict(name="隐患整改超期上报乡镇", priority=42, levels=["village"], states=["rectifying"], deadline_offset=0,
         action="escalate_to", target_level="town", notify=["town_leader"],
         reason="隐患超过整改期限仍未整改完成，上报乡镇（街道）督办"),
    dict(name="隐患超期5个工作日上报县", priority=43, levels=["village", "town"], states=["rectifying"],
         deadline_offset=5, action="escalate_to", target_level="county", notify=["county_admin"],
         reason="隐患超过整改期限 5 个工作日仍未整改完成，上报县（区）督办"),
]


def seed(apps, schema_editor):
    Rule = apps.get_model("escalation", "Rule")
    for rule in DEFAULT_HAZARD_RULES:
        Rule.objects.update_or_create(name=rule["name"], area=None, defaults=rule | {"kind": "hazard"})


def unseed(apps, schema_editor):
    apps.get_model("escalation", "Rule").objects.filter(
        name__in=[r["name"] for r in DEFAULT_HAZARD_RULES], area=None).delete()


class Migration(migrations.Migration):
    dependencies = [("escalation", "0003_rules_for_hazards"), ("hazards", "0002_append_only_events_and_categories")]

    operations = [migrations.RunPython(seed, unseed)]
