import django.core.validators
from django.db import migrations, models

# What must reach a person within minutes and be acknowledged: crowd disputes, 重大 risk, 民转刑 risk,
# and a case overdue at town level.
URGENT = ["群体性纠纷直接上报乡镇", "重大风险纠纷直接上报乡镇", "民转刑风险直接上报乡镇", "镇级20个工作日未化解上报县"]


def mark_urgent(apps, schema_editor):
    apps.get_model("escalation", "Rule").objects.filter(name__in=URGENT, area=None).update(urgent=True)


class Migration(migrations.Migration):

    dependencies = [
        ('escalation', '0006_request_and_topic_rules'),
    ]

    operations = [
        migrations.AddField(
            model_name='rule',
            name='ack_minutes',
            field=models.PositiveSmallIntegerField(default=15, validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(1440)], verbose_name='签收时限（分钟）'),
        ),
        migrations.AddField(
            model_name='rule',
            name='urgent',
            field=models.BooleanField(default=False, help_text='通知须有人签收；无人签收则按升级策略再次提醒并通知下一位', verbose_name='紧急，须签收'),
        ),
        migrations.RunPython(mark_urgent, migrations.RunPython.noop),
    ]
