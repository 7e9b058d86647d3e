"""Ledgers: one row per case, as the cases are; written by a real Celery worker; scoped; masked."""

import time
from datetime import date

import pytest
from django.db import transaction
from django.utils import timezone
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


def _records(rows: list[tuple]) -> list[dict]:
    """The data rows by column heading (row 2 holds the headings)."""
    return [dict(zip(rows[1], row, strict=True)) for row in rows[2:]]


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
        assert rows[1] == ("序号", "案件编号", "登记日期", "村（社区）", "网格", "当事人", "纠纷类型", "纠纷简要情况",
                           "办理层级", "受理日期", "调解员", "调解结果", "协议情况", "回访情况", "结案日期")
        expected = list(Case.objects.filter(town_code=TUYUAN, registered_at__gte=scenario.at(10, 1, 0),
                                            registered_at__lt=scenario.at(11, 1, 0)).order_by("registered_at", "id"))
        assert [r[1] for r in rows[2:]] == [c.number for c in expected]
        by_number = {r["案件编号"]: r for r in _records(rows)}
        a, case_a = by_number[cases["A"].number], Case.objects.get(pk=cases["A"].pk)
        assert a["纠纷类型"] == "邻里纠纷" and a["调解结果"] == "调解成功" and "双方和解" in a["协议情况"]
        assert "满意" in a["回访情况"]
        assert a["村（社区）"] == case_a.grid.parent.name and a["网格"] == case_a.grid.name
        assert a["办理层级"] == case_a.get_level_display()
        assert a["受理日期"] == f"{timezone.localtime(case_a.accepted_at):%Y-%m-%d}"
        assert a["结案日期"] == (f"{timezone.localtime(case_a.closed_at):%Y-%m-%d}" if case_a.closed_at else None)
        assert by_number[cases["D"].number]["调解结果"] == "转办：法院（诉调对接）"
        parties = next(r["当事人"] for r in _records(rows) if r["纠纷简要情况"] == "有当事人的纠纷")
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
    [row] = _records(rows)
    assert row["编号"] == case.number and row["反映人"] == "张三"
    assert row["村（社区）"] == "古河村" and row["办理层级"] == "镇级" and row["当前状态"] == "已登记"
    register = services.export_request(actor=users["cadre"], kind="mediation_ledger", code=GUHE,
                                       start=date(2026, 10, 1), end=date(2026, 10, 31))
    services.export_run(export_id=register.pk)
    parties = _records(_rows(register))[0]["当事人"]
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
    assert rows[2] == (1, ordered.number, "2026-10-12", "消防", "较大", "三楼楼道堆满纸箱", "古河村", grid,
                       "古河村便民超市，0527-8888000", "2026-10-16", None, None, "整改中", "村级", "是", 0, 0)
    later = _records(rows)[1]
    assert later["当前状态"] == "已上报" and later["整改期限"] is None and later["逾期"] is None


@pytest.mark.django_db
def test_a_ledger_prints_on_landscape_a4_with_its_headings_on_every_page(users, make_case):
    for day in range(1, 4):
        scenario.register(make_case, scenario.at(10, day + 5), title=f"第 {day} 件")
    for kind in ("mediation_ledger", "problem_register", "hazard_ledger"):
        export = services.export_request(actor=users["leader"], kind=kind, code=TUYUAN,
                                         start=date(2026, 10, 1), end=date(2026, 10, 31))
        services.export_run(export_id=export.pk)
        export.refresh_from_db()
        sheet = load_workbook(export.file.path).active
        assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$2"  # the title and the headings on every page
        assert sheet.freeze_panes == "C3"  # headings and the number stay in view
        assert "&P" in sheet.oddFooter.center.text
    assert len(_rows(export)) == 2  # no hazards: the headings alone
