import csv
from pathlib import Path

from django.db import migrations

CATEGORIES = Path(__file__).resolve().parent.parent / "data" / "dispute-categories.csv"

# The event log is evidence: the database itself refuses to change or remove a row, whatever the
# application does. (TRUNCATE, used only by test teardown and operators, is a statement-level act.)
APPEND_ONLY = """
CREATE FUNCTION cases_caseevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'cases_caseevent is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER cases_caseevent_append_only BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_caseevent_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER cases_caseevent_append_only ON cases_caseevent;
DROP FUNCTION cases_caseevent_append_only();
"""


def seed_categories(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    with open(CATEGORIES, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Category.objects.update_or_create(code=row["code"], defaults={"name": row["name"]})


def unseed_categories(apps, schema_editor):
    apps.get_model("cases", "Category").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunPython(seed_categories, unseed_categories),
    ]
