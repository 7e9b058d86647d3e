"""Two sweeps at once (as two Celery workers would run them) escalate each overdue hazard once."""

from gridcase.accounts.models import User
from gridcase.escalation import engine
from gridcase.escalation.models import RuleFiring
from gridcase.hazards import services
from gridcase.hazards.models import Hazard, HazardCategory, HazardEvent
from gridcase.lib import clock
from tests.conftest import run_concurrently
from tests.hazards.conftest import at

LATE = at(2026, 11, 10, 9, 0)  # past the deadline of 6 Nov, not yet five working days


def test_two_concurrent_sweeps_escalate_each_overdue_hazard_exactly_once(hazards_committed):
    worker, cadre = User.objects.get(username="worker"), User.objects.get(username="cadre")
    point = worker.grids.order_by("code").first().geom.point_on_surface
    fire = HazardCategory.objects.get(name="消防")
    ids = []
    with clock.travel(at(2026, 11, 2, 9, 0)):
        for n in range(16):
            hazard = services.hazard_report(actor=worker, title=f"隐患{n}", category=fire, location=point)
            services.hazard_verify(hazard=hazard, actor=cadre)
            services.hazard_order_rectification(hazard=hazard, actor=cadre, responsible_kind="unit",
                                                responsible_name="某单位",
                                                deadline=services.end_of_day(at(2026, 11, 6).date()))
            ids.append(hazard.pk)

    counts = run_concurrently(lambda: engine.sweep(now=LATE, batch_size=3), times=2)

    assert sum(counts) == 16
    assert HazardEvent.objects.filter(hazard_id__in=ids, kind="hazard.escalated").count() == 16
    assert set(Hazard.objects.filter(pk__in=ids).values_list("level", flat=True)) == {"town"}
    assert RuleFiring.objects.filter(subject_kind="hazard", subject_id__in=ids, rule__name="隐患整改超期上报乡镇").count() == 16
    assert engine.sweep(now=LATE) == 0
