import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

# The timeline is evidence: the database refuses to change or remove a row, whatever the application does.
APPEND_ONLY = """
CREATE FUNCTION requests_requestevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'requests_requestevent is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER requests_requestevent_append_only BEFORE UPDATE OR DELETE ON requests_requestevent
    FOR EACH ROW EXECUTE FUNCTION requests_requestevent_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER requests_requestevent_append_only ON requests_requestevent;
DROP FUNCTION requests_requestevent_append_only();
"""


def seed(apps, schema_editor):
    Office = apps.get_model("requests", "Office")
    Category = apps.get_model("requests", "RequestCategory")
    offices = {}
    with open(DATA / "offices.csv", encoding="utf-8") as f:
        for order, row in enumerate(csv.DictReader(f)):
            offices[row["code"]], _ = Office.objects.update_or_create(
                code=row["code"], town=None,
                defaults={"name": row["name"], "time_limit_days": int(row["time_limit_days"]), "order": order})
    with open(DATA / "categories.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            Category.objects.update_or_create(code=row["code"], defaults={
                "name": row["name"], "default_kind": row["default_kind"],
                "default_office": offices.get(row["default_office"]), "guidance_template": row["guidance"]})


def unseed(apps, schema_editor):
    apps.get_model("requests", "RequestCategory").objects.all().delete()
    apps.get_model("requests", "Office").objects.filter(town=None).delete()


class Migration(migrations.Migration):
    dependencies = [("requests", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunPython(seed, unseed),
    ]
