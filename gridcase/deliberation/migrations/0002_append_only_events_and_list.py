import csv
from pathlib import Path

from django.db import migrations

LIST_ITEMS = Path(__file__).resolve().parent.parent / "data" / "list-items.csv"

# The topic's history is the public record of how a decision came about: the database itself
# refuses to change or remove a row.
APPEND_ONLY = """
CREATE FUNCTION deliberation_topicevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'deliberation_topicevent is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER deliberation_topicevent_append_only BEFORE UPDATE OR DELETE ON deliberation_topicevent
    FOR EACH ROW EXECUTE FUNCTION deliberation_topicevent_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER deliberation_topicevent_append_only ON deliberation_topicevent;
DROP FUNCTION deliberation_topicevent_append_only();
"""


def seed_list(apps, schema_editor):
    """The seed's 附件1 “援法议事”清单 (general list and the residential-estate list)."""
    ListItem = apps.get_model("deliberation", "ListItem")
    with open(LIST_ITEMS, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ListItem.objects.update_or_create(code=row["code"], defaults={
                "group": row["group"], "name": row["name"], "description": row["description"]})


def unseed_list(apps, schema_editor):
    apps.get_model("deliberation", "ListItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunPython(seed_list, unseed_list),
    ]
