"""Cases logged before acceptance had a deadline get one: CASE_ACCEPT_WORKING_DAYS from their logging."""

from django.conf import settings
from django.db import migrations


def set_deadlines(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    waiting = Case.objects.filter(state="registered", deadline__isnull=True)
    if not waiting.exists():  # a new database: nothing to do, and the calendar is not read
        return
    from gridcase.workdays.selectors import add_working_days

    for case in waiting.only("pk", "registered_at").iterator():
        Case.objects.filter(pk=case.pk).update(
            deadline=add_working_days(case.registered_at, settings.CASE_ACCEPT_WORKING_DAYS))


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_case_patrol"), ("workdays", "0002_seed_2024_2026")]

    operations = [migrations.RunPython(set_deadlines, migrations.RunPython.noop)]
