"""A Celery worker killed (SIGKILL) in the middle of the escalation sweep: after a restart and the
next sweep, each due case has been escalated exactly once."""

import signal
from datetime import datetime
from zoneinfo import ZoneInfo

from gridcase.accounts.models import User
from gridcase.cases import services
from gridcase.cases.models import Case, CaseEvent, Level
from gridcase.escalation.models import RuleFiring
from gridcase.escalation.tasks import sweep
from gridcase.lib import clock
from tests.conftest import WORKER_ARGS, _stop, _wait_until, spawn_celery

ACCEPTED = datetime(2026, 11, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # ten working days ago and more
DUE = 200
QUEUE = "faults"


def escalated(ids) -> int:
    return CaseEvent.objects.filter(case_id__in=ids, kind="case.escalated").count()


def test_a_sweep_killed_midway_escalates_each_case_once_after_restart(committed, make_case):
    cadre = User.objects.get(username="cadre")
    with clock.travel(ACCEPTED):
        ids = [services.case_accept(case=make_case(), actor=cadre).pk for _ in range(DUE)]
    small_batches = {"ESCALATION_SWEEP_BATCH": "5"}  # commits every few cases, so the kill lands between them
    # A queue of its own: the session's shared worker must not take these sweeps.
    args = (*WORKER_ARGS, "-Q", QUEUE)

    worker = spawn_celery(*args, env=small_batches, log="worker-killed.log")
    try:
        sweep.apply_async(queue=QUEUE)
        _wait_until(lambda: escalated(ids) > 0, "the first committed batch", seconds=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            _stop(worker)
    done_before_restart = escalated(ids)
    assert 0 < done_before_restart < DUE, "the kill must land in the middle of the sweep"

    worker = spawn_celery(*args, env=small_batches, log="worker-restarted.log")
    try:
        sweep.apply_async(queue=QUEUE)  # what beat sends a minute later
        _wait_until(lambda: escalated(ids) == DUE, "the sweep after the restart", seconds=120)
    finally:
        _stop(worker)

    per_case = CaseEvent.objects.filter(case_id__in=ids, kind="case.escalated").values_list("case_id", flat=True)
    assert sorted(per_case) == sorted(ids)  # each case once, none twice
    assert RuleFiring.objects.filter(subject_kind="case", subject_id__in=ids).values("subject_id").distinct().count() == DUE
    assert set(Case.objects.filter(pk__in=ids).values_list("level", flat=True)) == {Level.TOWN}
