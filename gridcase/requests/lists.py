"""The 三事清单: each village's quarterly list of requests by 大事 / 小事 / 私事, generated from the
data, reviewed and signed off by the village cadre (每季度系统梳理), and downloadable as Excel.

A list is a snapshot: generating again replaces an unsigned list of the quarter, but once a list is
signed a new generation is a new row, so what was signed stays exactly as signed.
"""

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.models import Area
from gridcase.accounts.jurisdiction import covers_code
from gridcase.accounts.models import Role
from gridcase.lib import clock
from gridcase.requests.models import Kind, Request, State, ThreeList, ThreeListSignOff
from gridcase.requests.selectors import quarter_bounds
from gridcase.requests.services import NotAllowed, RequestError

KIND_ORDER = [Kind.MAJOR, Kind.MINOR, Kind.PRIVATE, ""]
KIND_LABELS = {**dict(Kind.choices), "": _("待分流")}
COLUMNS = ["编号", "反映日期", "事项", "类别", "归口/责任方", "反映人", "联系方式", "反映人次", "渠道", "状态", "满意度"]


def responsible(request: Request) -> str:
    if request.kind == Kind.MAJOR:
        return request.office.name if request.office else _("镇归口部门")
    if request.kind == Kind.MINOR:
        return _("村(居)委会（%(how)s）") % {"how": request.get_handling_display() or _("一事一议")}
    if request.kind == Kind.PRIVATE:
        return _("居民本人")
    return _("待分流")


def _rows(village: Area, year: int, quarter: int) -> list[dict]:
    start, end = quarter_bounds(year, quarter)
    # Merged requests are counted in the one they joined (多次反映计入一类事项), through reporters_count.
    requests = (Request.objects.filter(village_code=village.code, received_on__range=(start, end))
                .exclude(state=State.MERGED).select_related("category", "office").order_by("received_on", "id"))
    return [{
        "id": r.pk, "number": r.number, "received_on": r.received_on.isoformat(), "matter": r.matter,
        "category": r.category.name, "kind": r.kind, "kind_label": str(KIND_LABELS[r.kind]),
        "responsible": str(responsible(r)), "reporter": r.reporter_name_masked, "contact": r.contact_masked,
        "reporters": r.reporters_count, "channel": r.get_channel_display(), "state": r.state,
        "state_label": r.get_state_display(), "satisfaction": r.get_satisfaction_display() if r.satisfaction else "",
    } for r in requests]


def _totals(rows: list[dict]) -> dict:
    totals = {kind or "untriaged": {"label": str(KIND_LABELS[kind]), "matters": 0, "reporters": 0, "closed": 0}
              for kind in KIND_ORDER}
    for row in rows:
        t = totals[row["kind"] or "untriaged"]
        t["matters"] += 1
        t["reporters"] += row["reporters"]
        t["closed"] += row["state"] == State.CLOSED
    return totals


def _check(actor, village: Area) -> None:
    if not covers_code(actor, village.code) or actor.role not in (Role.VILLAGE_CADRE, Role.TOWN_LEADER,
                                                                  Role.COUNTY_ADMIN):
        raise NotAllowed(_("您无权整理%(village)s的三事清单") % {"village": village.name})


@transaction.atomic
def three_list_generate(*, village: Area, year: int, quarter: int, actor) -> ThreeList:
    if quarter not in (1, 2, 3, 4):
        raise RequestError(_("季度应为 1–4"))
    _check(actor, village)
    start, _end = quarter_bounds(year, quarter)
    if start > timezone.localdate(clock.now()):
        raise RequestError(_("该季度尚未开始"))
    rows = _rows(village, year, quarter)
    latest = (ThreeList.objects.select_for_update().filter(village=village, year=year, quarter=quarter)
              .order_by("-generated_at", "-id").first())
    if latest is not None and not hasattr(latest, "sign_off"):
        latest.rows, latest.totals = rows, _totals(rows)
        latest.generated_at, latest.generated_by = clock.now(), actor
        latest.save(update_fields=["rows", "totals", "generated_at", "generated_by"])
        return latest
    return ThreeList.objects.create(village=village, year=year, quarter=quarter, generated_at=clock.now(),
                                    generated_by=actor, rows=rows, totals=_totals(rows))


@transaction.atomic
def three_list_sign_off(*, three_list: ThreeList, actor, note: str = "") -> ThreeListSignOff:
    """The village cadre confirms the list after the quarterly review."""
    locked = ThreeList.objects.select_for_update().select_related("village").get(pk=three_list.pk)
    if actor.role != Role.VILLAGE_CADRE or not covers_code(actor, locked.village.code):
        raise NotAllowed(_("三事清单由本村(社区)干部审核签署"))
    if ThreeListSignOff.objects.filter(three_list=locked).exists():
        raise RequestError(_("该清单已签署"))
    newer = ThreeList.objects.filter(village=locked.village, year=locked.year, quarter=locked.quarter,
                                     generated_at__gt=locked.generated_at).exists()
    if newer:
        raise RequestError(_("该季度已有更新生成的清单，请签署最新的一份"))
    return ThreeListSignOff.objects.create(three_list=locked, by=actor, at=clock.now(), note=note.strip())


def three_list_xlsx(three_list: ThreeList) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = "三事清单"
    title = f"{three_list.village.name} {three_list.year}年第{three_list.quarter}季度 三事清单"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    signed = getattr(three_list, "sign_off", None)
    sheet.append([f"生成时间：{timezone.localtime(three_list.generated_at):%Y-%m-%d %H:%M}",
                  f"审核签署：{signed.by} {timezone.localtime(signed.at):%Y-%m-%d %H:%M}" if signed else "审核签署：未签署"])
    sheet.append([])
    sheet.append(["分类", "事项数", "反映人次", "已办结"])
    for total in three_list.totals.values():
        sheet.append([total["label"], total["matters"], total["reporters"], total["closed"]])
    for kind in KIND_ORDER:
        rows = [row for row in three_list.rows if row["kind"] == kind]
        if not rows:
            continue
        sheet.append([])
        sheet.append([f"{KIND_LABELS[kind]}（{len(rows)} 项）"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append([row["number"], row["received_on"], row["matter"], row["category"], row["responsible"],
                          row["reporter"], row["contact"], row["reporters"], row["channel"], row["state_label"],
                          row["satisfaction"]])
    for column, width in zip("ABCDEFGHIJK", [22, 12, 48, 16, 24, 10, 16, 10, 12, 10, 10], strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
