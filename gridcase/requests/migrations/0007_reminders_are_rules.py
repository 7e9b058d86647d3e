from django.db import migrations


class Migration(migrations.Migration):
    """The reminder columns of the old beat task go: the rules engine's firings (moved over by
    escalation 0006) say what was sent."""

    dependencies = [("requests", "0006_next_check"), ("escalation", "0006_request_and_topic_rules")]

    operations = [
        migrations.RemoveField(model_name="request", name="reminded_at"),
        migrations.RemoveField(model_name="request", name="overdue_notified_at"),
    ]
