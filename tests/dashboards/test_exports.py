"""Ledgers: one row per case, as the cases are; written by a real Celery worker; scoped; masked."""

import time
from datetime import date

import pytest
from django.db import transaction
from openpyxl import load_workbook

from gridcase.accounts.models import User
from gridcase.cases.models import Case, PersonalDataView
from gridcase.cases.services import PartyInput
from gridcase.dashboards import services
from gridcase.dashboards.models import Export
from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import HazardCategory, Severity
from gridcase.lib import clock
from tests.conftest import GENGCHE, GUHE, TUYUAN
from tests.dashboards import scenario

PARTY = [PartyInput(name="张三", phone="13812345678", id_number="32130219800101123X"),
         PartyInput(name="李四", role="respondent", phone="13987654321")]


def _rows(export: Export) -> list[tuple]:
    export.refresh_from_db()
    sheet = load_workbook(export.file.path).active
    return list(sheet.iter_rows(values_only=True))


def test_the_mediation_ledger_is_written_by_the_worker_and_matches_the_cases(celery_worker, committed, make_case):
    leader = User.objects.get(username="leader")
    cases = scenario.build(make_case)
    scenario.register(make_case, scenario.at(10, 8), title="有当事人的纠纷", parties=PARTY)
    try:
        with transaction.atomic():
            export = services.export_request(actor=leader, kind="mediation_ledger", code=TUYUAN,
                                             start=date(2026, 10, 1), end=date(2026, 10, 31))
        deadline = time.monotonic() + 60
        while Export.objects.get(pk=export.pk).status in ("queued", "running") and time.monotonic() < deadline:
            time.sleep(0.3)
        export.refresh_from_db()
        assert export.status == "done", export.error
        assert export.progress == 100
        rows = _rows(export)
        assert rows[0][0] == "屠园镇（2026-10-01 至 2026-10-31）矛盾纠纷排查调处台账"
        assert rows[1][:4] == ("序号", "案件编号", "登记日期", "当事人")
        expected = list(Case.objects.filter(town_code=TUYUAN, registered_at__gte=scenario.at(10, 1, 0),
                                            registered_at__lt=scenario.at(11, 1, 0)).order_by("registered_at", "id"))
        assert [r[1] for r in rows[2:]] == [c.number for c in expected]
        by_number = {r[1]: r for r in rows[2:]}
        a = by_number[cases["A"].number]
        assert a[4] == "邻里纠纷" and a[7] == "调解成功" and "双方和解" in a[8] and "满意" in a[9]
        assert by_number[cases["D"].number][7] == "转办：法院（诉调对接）"
        parties = next(r[3] for r in rows[2:] if r[5] == "有当事人的纠纷")
        # The leader handles town cases: the full numbers, and each view logged.
        assert "13812345678" in parties and "32130219800101123X" in parties
        assert PersonalDataView.objects.filter(user=leader).count() == 2
    finally:
        Export.objects.all().delete()


@pytest.mark.django_db
def test_who_may_not_handle_a_case_gets_its_parties_masked(make_case, users):
    case = scenario.register(make_case, scenario.at(10, 8), title="村里的纠纷", parties=PARTY)
    case.level = "town"  # handled by the town now: the village cadre may read it but not handle it
    case.save(update_fields=["level"])
    export = services.export_request(actor=users["cadre"], kind="problem_register", code=GUHE,
                                     start=date(2026, 10, 1), end=date(2026, 10, 31))
    services.export_run(export_id=export.pk)
    rows = _rows(export)
    assert rows[1][:4] == ("序号", "登记日期", "编号", "反映人")
    assert [r[2] for r in rows[2:]] == [case.number]
    assert rows[2][3] == "张三"
    register = services.export_request(actor=users["cadre"], kind="mediation_ledger", code=GUHE,
                                       start=date(2026, 10, 1), end=date(2026, 10, 31))
    services.export_run(export_id=register.pk)
    parties = _rows(register)[2][3]
    assert "138****5678" in parties and "13812345678" not in parties
    assert not PersonalDataView.objects.filter(user=users["cadre"]).exists()


@pytest.mark.django_db
def test_exports_stay_in_the_jurisdiction(users, login):
    with pytest.raises(services.ExportError):
        services.export_request(actor=users["leader2"], kind="mediation_ledger", code=TUYUAN,
                                start=date(2026, 10, 1), end=date(2026, 10, 31))
    export = services.export_request(actor=users["leader"], kind="mediation_ledger", code=TUYUAN,
                                     start=date(2026, 10, 1), end=date(2026, 10, 31))
    assert login("leader2").get(f"/dashboard/exports/{export.pk}/").status_code == 404
    assert login("leader").get(f"/dashboard/exports/{export.pk}/").json()["status"] == "queued"
    response = login("leader").post("/dashboard/exports/", {"kind": "mediation_ledger", "area": GENGCHE,
                                                            "start": "2026-10-01", "end": "2026-10-31"})
    assert "不在可用的选项中" in response.content.decode()  # another town is not among the areas offered
    assert not Export.objects.filter(area_code=GENGCHE).exists()


@pytest.mark.django_db
def test_a_second_worker_does_not_write_the_same_export_again(users):
    export = services.export_request(actor=users["leader"], kind="problem_register", code=TUYUAN,
                                     start=date(2026, 10, 1), end=date(2026, 10, 31))
    services.export_run(export_id=export.pk)
    export.refresh_from_db()
    first = export.file.name
    services.export_run(export_id=export.pk)
    export.refresh_from_db()
    assert export.status == "done" and export.file.name == first


@pytest.mark.django_db
def test_the_hazard_ledger_lists_the_villages_hazards_of_the_period_one_row_each(settings, tmp_path, users):
    settings.MEDIA_ROOT = tmp_path
    fire = HazardCategory.objects.get(name="消防")

    def report(username, when, **fields):
        actor = users[username]
        with clock.travel(when):
            return hazard_services.hazard_report(actor=actor, category=fire, title="楼道堆放杂物堵塞消防通道",
                                                 location=actor.grids.order_by("code").first().geom.point_on_surface,
                                                 **fields)

    ordered = report("worker", scenario.at(10, 12), severity=Severity.SERIOUS, description="三楼楼道堆满纸箱")
    with clock.travel(scenario.at(10, 12, 15)):
        hazard_services.hazard_verify(hazard=ordered, actor=users["cadre"])
        hazard_services.hazard_order_rectification(
            hazard=ordered, actor=users["cadre"], deadline=hazard_services.end_of_day(date(2026, 10, 16)),
            responsible_kind="unit", responsible_name="古河村便民超市", responsible_contact="0527-8888000")
    reported = report("worker", scenario.at(10, 20))
    report("worker2", scenario.at(10, 13))  # 耿车镇: not the cadre's
    report("worker", scenario.at(11, 2))  # after the period

    export = services.export_request(actor=users["cadre"], kind="hazard_ledger", code=GUHE,
                                     start=date(2026, 10, 1), end=date(2026, 10, 31))
    services.export_run(export_id=export.pk)

    rows = _rows(export)
    assert rows[0][0] == "古河村（2026-10-01 至 2026-10-31）安全隐患排查整治台账"
    assert rows[1][:3] == ("序号", "隐患编号", "发现日期")
    assert [r[1] for r in rows[2:]] == [ordered.number, reported.number]
    grid = users["worker"].grids.order_by("code").first().name
    assert rows[2] == (1, ordered.number, "2026-10-12", "消防", "较大", "三楼楼道堆满纸箱", grid,
                       "古河村便民超市，0527-8888000", "2026-10-16", None, None, "整改中", "村级", "是", 0, 0)
    assert rows[3][11] == "已上报" and rows[3][8] is None and rows[3][13] is None
