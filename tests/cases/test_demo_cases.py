from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from gridcase.cases.demo import build_month
from gridcase.cases.models import Case, CaseEvent, State

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 23, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_a_demo_month_is_made_of_real_lifecycles():
    made = build_month(month=0, months=3, per_village_month=0.4, today=TODAY)

    cases = Case.objects.all()
    recurrences = cases.filter(recurrence_of__isnull=False).count()
    assert made > 40 and cases.count() == made + recurrences
    assert CaseEvent.objects.filter(kind="case.registered").count() == cases.count()
    assert cases.filter(state=State.CLOSED).count() > made / 2
    assert cases.exclude(level="village").exists()  # some went to the town
    for case in cases[:30]:
        events = list(case.events.order_by("id"))
        assert events[0].kind == "case.registered"
        assert [e.at for e in events] == sorted(e.at for e in events)  # told in time order
        assert [e.version for e in events] == sorted(e.version for e in events)


def test_the_same_month_comes_out_the_same_every_time():
    def build():
        with transaction.atomic():
            build_month(month=1, months=3, per_village_month=0.2, today=TODAY)
            made = list(Case.objects.order_by("number").values_list("number", "title", "state", "level"))
            transaction.set_rollback(True)
        return made

    first = build()
    assert first and build() == first
