from django.db import migrations, models


class Migration(migrations.Migration):
    """Requests are a kind of rule subject now: when the rules must look at one again."""

    dependencies = [("requests", "0005_patrol_finding")]

    operations = [
        migrations.AddField(model_name="request", name="next_check_at",
                            field=models.DateTimeField(blank=True, editable=False, null=True)),
        migrations.AddIndex(
            model_name="request",
            index=models.Index(condition=models.Q(("next_check_at__isnull", False)), fields=["next_check_at"],
                               name="request_due_for_rules"),
        ),
    ]
