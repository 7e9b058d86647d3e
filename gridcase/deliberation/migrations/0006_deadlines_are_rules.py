from django.db import migrations, models


class Migration(migrations.Migration):
    """The old sweep's column and indexes go: the rules engine's firings (moved over by escalation
    0006) say what was sent; the topic list's overdue filter keeps an index of its own."""

    dependencies = [("deliberation", "0005_next_check"), ("escalation", "0006_request_and_topic_rules")]

    operations = [
        migrations.RemoveIndex(model_name="topic", name="topic_publicity_due"),
        migrations.RemoveIndex(model_name="topic", name="topic_execution_due"),
        migrations.RemoveField(model_name="topic", name="overdue_notified_at"),
        migrations.AddIndex(
            model_name="topic",
            index=models.Index(condition=models.Q(("state", "executing")), fields=["execution_deadline"],
                               name="topic_executing_deadline"),
        ),
    ]
