from django.db import migrations

CATEGORIES = [("01", "消防"), ("02", "安全生产"), ("03", "道路交通"), ("04", "房屋建筑"), ("05", "防汛/地质"),
              ("06", "食品药品"), ("07", "治安"), ("08", "环境")]

# As for cases: the event log is evidence, and the database itself refuses to change or remove a row.
APPEND_ONLY = """
CREATE FUNCTION hazards_hazardevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hazards_hazardevent is append-only: % refused', TG_OP;
END $$;
CREATE TRIGGER hazards_hazardevent_append_only BEFORE UPDATE OR DELETE ON hazards_hazardevent
    FOR EACH ROW EXECUTE FUNCTION hazards_hazardevent_append_only();
"""
DROP_APPEND_ONLY = """
DROP TRIGGER hazards_hazardevent_append_only ON hazards_hazardevent;
DROP FUNCTION hazards_hazardevent_append_only();
"""


def seed_categories(apps, schema_editor):
    HazardCategory = apps.get_model("hazards", "HazardCategory")
    for code, name in CATEGORIES:
        HazardCategory.objects.update_or_create(code=code, defaults={"name": name})


def unseed_categories(apps, schema_editor):
    apps.get_model("hazards", "HazardCategory").objects.filter(code__in=[c for c, _ in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]

    operations = [
        migrations.RunSQL(APPEND_ONLY, DROP_APPEND_ONLY),
        migrations.RunPython(seed_categories, unseed_categories),
    ]
