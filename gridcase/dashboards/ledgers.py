"""The ledgers people keep by hand, generated (openpyxl): one row per case, or per hazard."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gridcase.cases import permissions, services
from gridcase.cases.models import Case, State
from gridcase.cases.selectors import cases_visible_to
from gridcase.dashboards.periods import local_midnight
from gridcase.hazards.models import Hazard
from gridcase.hazards.selectors import hazards_visible_to

MEDIATION_COLUMNS = [("序号", 6), ("案件编号", 24), ("登记日期", 12), ("村（社区）", 12), ("网格", 14),
                     ("当事人", 36), ("纠纷类型", 12), ("纠纷简要情况", 40), ("办理层级", 10), ("受理日期", 12),
                     ("调解员", 14), ("调解结果", 12), ("协议情况", 40), ("回访情况", 30), ("结案日期", 12)]
REGISTER_COLUMNS = [("序号", 6), ("登记日期", 12), ("编号", 24), ("反映人", 16), ("问题类型", 12), ("问题内容", 40),
                    ("村（社区）", 12), ("网格", 14), ("来源", 16), ("办理层级", 10), ("当前状态", 10), ("受理日期", 12),
                    ("办理期限", 12), ("办结日期", 12)]
HAZARD_COLUMNS = [("序号", 6), ("隐患编号", 24), ("发现日期", 12), ("隐患类别", 12), ("隐患等级", 10), ("隐患描述", 40),
                  ("村（社区）", 12), ("网格", 14), ("责任单位/责任人", 20), ("整改期限", 12), ("整改完成日期", 12),
                  ("销号日期", 12), ("当前状态", 10), ("督办层级", 10), ("逾期", 8), ("返工次数", 8), ("延期次数", 8)]
# Rows 1–2 (the title and the column headings) repeat on every printed page and stay in view with
# the first two columns (序号 and the number) while scrolling.
HEADER_ROWS = "1:2"
FROZEN_AT = "C3"


def _date(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d") if value else ""


def parties_text(user, case: Case, *, full: bool) -> str:
    """Full ID numbers and phones for those who handle the case (the view is logged by
    services.parties_in_full), masked for everyone else."""
    if full:
        rows = services.parties_in_full(user=user, case=case)
    else:
        rows = [{"party": p, "id_number": p.id_number_masked, "phone": p.phone_masked} for p in case.parties.all()]
    return "；".join(f"{r['party'].get_role_display()}：{r['party'].name}" + (f" 电话{r['phone']}" if r["phone"] else "")
                    + (f" 身份证{r['id_number']}" if r["id_number"] else "") for r in rows)


def result_text(case: Case) -> str:
    if hasattr(case, "agreement"):
        return "调解成功"
    if case.referred_to:
        return f"转办：{case.get_referred_to_display()}"
    return case.get_state_display() if case.state != State.CLOSED else "已结案"


def agreement_text(case: Case) -> str:
    agreement = getattr(case, "agreement", None)
    if agreement is None:
        return ""
    return (f"{agreement.signed_on:%Y-%m-%d} 签订：{agreement.terms[:200]}；履行：{agreement.get_performance_display()}；"
            f"司法确认：{agreement.get_judicial_confirmation_display()}")


def follow_up_text(case: Case) -> str:
    return "；".join(f"{f.visited_on:%Y-%m-%d} {f.get_method_display()} {f.get_satisfaction_display()}"
                    + ("（纠纷反复）" if f.recurred else "") for f in case.follow_ups.all())


def mediation_row(user, n: int, case: Case) -> list:
    return [n, case.number, _date(case.registered_at), case.grid.parent.name, case.grid.name,
            parties_text(user, case, full=permissions.can_handle(user, case)), case.category.name,
            (case.narrative or case.title)[:500], case.get_level_display(), _date(case.accepted_at),
            "、".join(str(m) for m in case.mediators.all()), result_text(case), agreement_text(case),
            follow_up_text(case), _date(case.closed_at)]


def register_row(user, n: int, case: Case) -> list:
    applicants = [p for p in case.parties.all() if p.role == "applicant"]
    reporter = applicants[0].name if applicants else (str(case.registered_by) if case.registered_by else "")
    return [n, _date(case.registered_at), case.number, reporter, case.category.name, (case.narrative or case.title)[:500],
            case.grid.parent.name, case.grid.name, case.get_source_display(), case.get_level_display(),
            case.get_state_display(), _date(case.accepted_at), _date(case.deadline), _date(case.closed_at)]


def hazard_row(user, n: int, hazard: Hazard) -> list:
    responsible = "，".join(filter(None, [hazard.responsible_name, hazard.responsible_contact]))
    return [n, hazard.number, _date(hazard.reported_at), hazard.category.name, hazard.get_severity_display(),
            (hazard.description or hazard.title)[:500], hazard.grid.parent.name, hazard.grid.name, responsible,
            _date(hazard.deadline),
            _date(hazard.rectified_at), _date(hazard.closed_at), hazard.get_state_display(), hazard.get_level_display(),
            "是" if hazard.is_overdue else "", hazard.rework_count, hazard.extension_count]


def _registered_between(queryset: QuerySet, field: str, *, code: str, start: date, end: date) -> QuerySet:
    """Under `code`, registered on the days start…end inclusive (local dates)."""
    return queryset.filter(**{"area_code__startswith": code, f"{field}__gte": local_midnight(start),
                              f"{field}__lt": local_midnight(end + timedelta(days=1))}).order_by(field, "id")


def cases_for(*, user, code: str, start: date, end: date) -> QuerySet[Case]:
    return (_registered_between(cases_visible_to(user=user), "registered_at", code=code, start=start, end=end)
            .select_related("category", "grid__parent", "agreement", "registered_by")
            .defer("grid__geom", "grid__parent__geom")
            .prefetch_related("parties", "mediators", "follow_ups"))


def hazards_for(*, user, code: str, start: date, end: date) -> QuerySet[Hazard]:
    return (_registered_between(hazards_visible_to(user=user), "reported_at", code=code, start=start, end=end)
            .select_related("category", "grid__parent").defer("grid__geom", "grid__parent__geom"))


@dataclass(frozen=True)
class Layout:
    name: str
    columns: list[tuple[str, int]]
    row: Callable  # (user, n, object) → the row's cells
    objects: Callable[..., QuerySet]  # (user=, code=, start=, end=) → what the ledger lists, in order


LAYOUTS = {"mediation_ledger": Layout("矛盾纠纷排查调处台账", MEDIATION_COLUMNS, mediation_row, cases_for),
           "problem_register": Layout("问题登记簿", REGISTER_COLUMNS, register_row, cases_for),
           "hazard_ledger": Layout("安全隐患排查整治台账", HAZARD_COLUMNS, hazard_row, hazards_for)}


def write(*, kind: str, user, title: str, objects: Iterable, out, progress: Callable[[int], None]) -> int:
    """Write the ledger to the file-like `out`; `progress(rows)` is called every 200 rows."""
    layout = LAYOUTS[kind]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(layout.name)
    for i, (_, width) in enumerate(layout.columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    _print_setup(sheet)
    sheet.append([_cell(sheet, f"{title}{layout.name}", bold=True)])
    sheet.append([_cell(sheet, heading, bold=True) for heading, _ in layout.columns])
    n = 0
    for n, obj in enumerate(objects, start=1):
        sheet.append(layout.row(user, n, obj))
        if n % 200 == 0:
            progress(n)
    book.save(out)
    return n


def _print_setup(sheet) -> None:
    """A4 landscape, as wide as one page, the headings on every page, page numbers at the foot."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.print_title_rows = HEADER_ROWS
    sheet.freeze_panes = FROZEN_AT
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"


def _cell(sheet, value, bold=False):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=bold)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell
