"""The `escalated` measure now counts each case once, at its first escalation: the months the rollup
holds for it are stale, so they are marked dirty and the next refresh rebuilds them."""

from django.db import migrations

MARK = """
INSERT INTO dashboards_dirtymonth (month, changes)
SELECT DISTINCT month, 1 FROM dashboards_measuremonth WHERE measure = 'escalated'
ON CONFLICT (month) DO UPDATE SET changes = dashboards_dirtymonth.changes + 1
"""


class Migration(migrations.Migration):

    dependencies = [("dashboards", "0005_rollup_dirty_months")]

    operations = [migrations.RunSQL(MARK, migrations.RunSQL.noop)]
