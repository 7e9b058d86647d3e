"""Rules for any kind of subject (gridcase.escalation.kinds): Rule.kind gains requests and topics,
and RuleFiring names its subject by (kind, id) instead of one nullable foreign key per kind. The
existing firings are moved in place, so nothing fires a second time; the unique constraint on
(rule, subject kind, subject id, key) keeps a racing sweep from inserting a firing twice."""

import django.contrib.postgres.fields
from django.db import migrations, models

MOVE_FIRINGS = """
UPDATE escalation_rulefiring
   SET subject_kind = CASE WHEN case_id IS NOT NULL THEN 'case' ELSE 'hazard' END,
       subject_id = COALESCE(case_id, hazard_id)
"""
# Back: firings of requests and topics have nowhere to go.
UNMOVE_FIRINGS = """
DELETE FROM escalation_rulefiring WHERE subject_kind NOT IN ('case', 'hazard');
UPDATE escalation_rulefiring
   SET case_id = CASE WHEN subject_kind = 'case' THEN subject_id END,
       hazard_id = CASE WHEN subject_kind = 'hazard' THEN subject_id END
"""
KINDS = [("case", "矛盾纠纷"), ("hazard", "隐患"), ("request", "民情诉求"), ("topic", "援法议事议题")]


class Migration(migrations.Migration):

    dependencies = [
        ("escalation", "0004_default_hazard_rules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="rule", name="kind",
            field=models.CharField(choices=KINDS, default="case", max_length=8, verbose_name="适用对象"),
        ),
        migrations.AlterField(
            model_name="rule", name="states",
            field=django.contrib.postgres.fields.ArrayField(base_field=models.CharField(max_length=20), blank=True,
                                                            default=list, size=None, verbose_name="状态"),
        ),
        migrations.AlterField(
            model_name="rule", name="reason",
            field=models.CharField(max_length=200, verbose_name="理由（显示在时间线和通知中）"),
        ),
        migrations.AlterField(
            model_name="rule", name="action",
            field=models.CharField(choices=[("escalate_one", "上报上一级"), ("escalate_to", "上报至指定层级"),
                                            ("refer", "转办"), ("notify", "仅通知"), ("set_deadline", "设定办理期限"),
                                            ("end_publicity", "公示期满：进入执行（未通过的结束）")],
                                   max_length=16, verbose_name="动作"),
        ),
        migrations.AlterField(
            model_name="rule", name="notify",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(choices=[
                    ("assignees", "承办人（调解员／网格员／诉求经办人／议定事项责任人）"), ("supervisors", "监督小组（援法议事）"),
                    ("grid_worker", "网格员"), ("mediator", "调解员"), ("legal_adviser", "法律顾问"),
                    ("village_cadre", "村(社区)干部"), ("town_leader", "镇(街道)领导"), ("county_admin", "区县管理员")],
                    max_length=20),
                blank=True, default=list, size=None, verbose_name="通知"),
        ),
        migrations.AddField(
            model_name="rule", name="request_kinds",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(choices=[("major", "大事"), ("minor", "小事"), ("private", "私事")],
                                            max_length=8),
                blank=True, default=list, size=None, verbose_name="三事分流"),
        ),

        migrations.RemoveConstraint(model_name="rulefiring", name="rule_fires_once"),
        migrations.RemoveConstraint(model_name="rulefiring", name="rule_fires_once_per_hazard"),
        migrations.RemoveConstraint(model_name="rulefiring", name="rule_firing_has_one_subject"),
        migrations.AddField(model_name="rulefiring", name="subject_kind",
                            field=models.CharField(choices=KINDS, max_length=8, null=True)),
        migrations.AddField(model_name="rulefiring", name="subject_id", field=models.BigIntegerField(null=True)),
        migrations.RunSQL(MOVE_FIRINGS, UNMOVE_FIRINGS),
        migrations.RemoveField(model_name="rulefiring", name="case"),
        migrations.RemoveField(model_name="rulefiring", name="hazard"),
        migrations.AlterField(model_name="rulefiring", name="subject_kind",
                              field=models.CharField(choices=KINDS, max_length=8)),
        migrations.AlterField(model_name="rulefiring", name="subject_id", field=models.BigIntegerField()),
        migrations.AddConstraint(
            model_name="rulefiring",
            constraint=models.UniqueConstraint(fields=("rule", "subject_kind", "subject_id", "key"),
                                               name="rule_fires_once"),
        ),
        migrations.AddIndex(
            model_name="rulefiring",
            index=models.Index(fields=["subject_kind", "subject_id", "key"], name="rule_firing_subject"),
        ),
    ]
