"""The dashboards benchmark itself, at a small size: it runs end to end and cleans up after itself
(the figures it prints are for `manage.py bench dashboards`, not checked here)."""

import io

from django.core.management import call_command

from gridcase.cases.models import Case
from gridcase.hazards.models import Hazard
from gridcase.patrols.models import Patrol, TrackCell


def test_the_dashboard_benchmark_measures_every_endpoint_and_leaves_no_synthetic_rows(committed):
    out = io.StringIO()
    call_command("bench", "dashboards", "--cases", "2000", "--requests", "2", stdout=out)
    text = out.getvalue()
    assert "2,000 synthetic cases" in text and "Django's own time on a logged-in request" in text
    measured = [line for line in text.splitlines() if " raw p50 " in line]
    assert len(measured) == 12 and all("ratio" in line for line in measured)
    assert "(synthetic cases removed, rollup restored)" in text
    assert not Case.objects.filter(number__startswith="BENCH-").exists()
    assert not Hazard.objects.filter(number__startswith="BENCH-H-").exists()
    assert not Patrol.objects.filter(note="BENCH-DASH").exists() and not TrackCell.objects.exists()
