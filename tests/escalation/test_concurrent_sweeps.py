"""Two sweeps at once (two database sessions, as two Celery workers would be) escalate each case once."""

from datetime import datetime
from zoneinfo import ZoneInfo

from gridcase.accounts.models import User
from gridcase.cases import services
from gridcase.cases.models import Case, CaseEvent, Level
from gridcase.escalation import engine
from gridcase.escalation.models import RuleFiring
from gridcase.lib import clock
from tests.conftest import run_concurrently

SHANGHAI = ZoneInfo("Asia/Shanghai")
ACCEPTED = datetime(2026, 11, 2, 9, 0, tzinfo=SHANGHAI)
LATE = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)  # past the ten-day limit


def test_two_concurrent_sweeps_escalate_each_due_case_exactly_once(committed, make_case):
    cadre = User.objects.get(username="cadre")
    with clock.travel(ACCEPTED):
        ids = [services.case_accept(case=make_case(), actor=cadre).pk for _ in range(24)]

    counts = run_concurrently(lambda: engine.sweep(now=LATE, batch_size=4), times=2)

    assert sum(counts) == 24  # between them they looked at every case, neither at one the other held
    assert CaseEvent.objects.filter(case_id__in=ids, kind="case.escalated").count() == 24
    assert set(Case.objects.filter(pk__in=ids).values_list("level", flat=True)) == {Level.TOWN}
    assert RuleFiring.objects.filter(subject_kind="case", subject_id__in=ids, rule__name="村级10个工作日未化解上报乡镇").count() == 24

    assert engine.sweep(now=LATE) == 0  # and nothing is left due
