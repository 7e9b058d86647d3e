"""Months whose rollup is stale, marked by triggers in the transaction that changes a case's history.

New events dirty their own months and the four before each: the recurrence measure counts a
settlement whose dispute comes back within 90 days, so an event can change a figure of a month up to
four calendar months earlier. A case moved to another village or category dirties every month it
has events in. A TRUNCATE (tests, a re-import) dirties every month the rollup holds. Months are
local (Asia/Shanghai), as the rollup's are."""

from django.db import migrations, models

MARK = """
INSERT INTO dashboards_dirtymonth (month, changes) {select}
ON CONFLICT (month) DO UPDATE SET changes = dashboards_dirtymonth.changes + 1
"""

# Statement-level with the inserted rows as a table: a bulk insert marks each month once.
EVENT_MONTHS = ("SELECT DISTINCT d::date, 1 FROM (SELECT DISTINCT {m} AS m FROM added) s,"
                " generate_series(m - interval '4 months', m, interval '1 month') d")
LOCAL_MONTH = "date_trunc('month', {at} AT TIME ZONE 'Asia/Shanghai')"

SQL = f"""
CREATE FUNCTION dashboards_mark_event_month() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {MARK.format(select=EVENT_MONTHS.format(m=LOCAL_MONTH.format(at='at')))};
  RETURN NULL;
END $$;
CREATE TRIGGER caseevent_marks_rollup_dirty AFTER INSERT ON cases_caseevent
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_event_month();

CREATE FUNCTION dashboards_mark_case_months() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {MARK.format(select="SELECT DISTINCT " + LOCAL_MONTH.format(at='e.at') + "::date, 1 FROM cases_caseevent e WHERE e.case_id = NEW.id")};
  RETURN NULL;
END $$;
CREATE TRIGGER case_move_marks_rollup_dirty AFTER UPDATE OF village_code, category_id ON cases_case
  FOR EACH ROW WHEN (OLD.village_code IS DISTINCT FROM NEW.village_code OR OLD.category_id IS DISTINCT FROM NEW.category_id)
  EXECUTE FUNCTION dashboards_mark_case_months();

CREATE FUNCTION dashboards_mark_all_months() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {MARK.format(select="SELECT DISTINCT month, 1 FROM dashboards_measuremonth")};
  RETURN NULL;
END $$;
CREATE TRIGGER caseevent_truncate_marks_rollup_dirty AFTER TRUNCATE ON cases_caseevent
  FOR EACH STATEMENT EXECUTE FUNCTION dashboards_mark_all_months();

-- What exists now may never have been rolled up (history loaded after the last refresh).
{MARK.format(select="SELECT DISTINCT " + LOCAL_MONTH.format(at='at') + "::date, 1 FROM cases_caseevent")};
"""

REVERSE = """
DROP TRIGGER caseevent_marks_rollup_dirty ON cases_caseevent;
DROP TRIGGER case_move_marks_rollup_dirty ON cases_case;
DROP TRIGGER caseevent_truncate_marks_rollup_dirty ON cases_caseevent;
DROP FUNCTION dashboards_mark_event_month(), dashboards_mark_case_months(), dashboards_mark_all_months();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("dashboards", "0004_export_hazard_ledger"),
        ("cases", "0004_case_patrol"),
    ]

    operations = [
        migrations.CreateModel(
            name="DirtyMonth",
            fields=[
                ("month", models.DateField(primary_key=True, serialize=False)),
                ("changes", models.BigIntegerField(default=1)),
            ],
            options={"verbose_name": "待重算月份", "verbose_name_plural": "待重算月份"},
        ),
        migrations.RunSQL(SQL, REVERSE),
    ]
