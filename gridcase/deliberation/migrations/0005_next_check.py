from django.db import migrations, models


class Migration(migrations.Migration):
    """Topics are a kind of rule subject now: when the rules must look at one again."""

    dependencies = [("deliberation", "0004_topic_from_request")]

    operations = [
        migrations.AddField(model_name="topic", name="next_check_at",
                            field=models.DateTimeField(blank=True, editable=False, null=True)),
        migrations.AddIndex(
            model_name="topic",
            index=models.Index(condition=models.Q(("next_check_at__isnull", False)), fields=["next_check_at"],
                               name="topic_due_for_rules"),
        ),
    ]
