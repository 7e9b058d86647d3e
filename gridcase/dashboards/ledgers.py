"""The ledgers people keep by hand, generated from the cases (openpyxl, one row per case)."""

from collections.abc import Callable, Iterable

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from gridcase.cases import permissions, services
from gridcase.cases.models import Case, State

MEDIATION_COLUMNS = [("序号", 6), ("案件编号", 24), ("登记日期", 12), ("当事人", 36), ("纠纷类型", 12),
                     ("纠纷简要情况", 40), ("调解员", 14), ("调解结果", 12), ("协议情况", 40), ("回访情况", 30)]
REGISTER_COLUMNS = [("序号", 6), ("登记日期", 12), ("编号", 24), ("反映人", 16), ("问题类型", 12), ("问题内容", 40),
                    ("地点（网格）", 18), ("来源", 16), ("办理层级", 10), ("当前状态", 10), ("办理期限", 12),
                    ("办结日期", 12)]


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
    return [n, case.number, _date(case.registered_at), parties_text(user, case, full=permissions.can_handle(user, case)),
            case.category.name, (case.narrative or case.title)[:500], "、".join(str(m) for m in case.mediators.all()),
            result_text(case), agreement_text(case), follow_up_text(case)]


def register_row(user, n: int, case: Case) -> list:
    applicants = [p for p in case.parties.all() if p.role == "applicant"]
    reporter = applicants[0].name if applicants else (str(case.registered_by) if case.registered_by else "")
    return [n, _date(case.registered_at), case.number, reporter, case.category.name, (case.narrative or case.title)[:500],
            case.grid.name, case.get_source_display(), case.get_level_display(), case.get_state_display(),
            _date(case.deadline), _date(case.closed_at)]


LAYOUTS = {"mediation_ledger": ("矛盾纠纷排查调处台账", MEDIATION_COLUMNS, mediation_row),
           "problem_register": ("问题登记簿", REGISTER_COLUMNS, register_row)}


def write(*, kind: str, user, title: str, cases: Iterable[Case], out, progress: Callable[[int], None]) -> int:
    """Write the ledger to the file-like `out`; `progress(rows)` is called every 200 rows."""
    name, columns, row = LAYOUTS[kind]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(name)
    for i, (_, width) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + i)].width = width
    sheet.append([_cell(sheet, f"{title}{name}", bold=True)])
    sheet.append([_cell(sheet, heading, bold=True) for heading, _ in columns])
    n = 0
    for n, case in enumerate(cases, start=1):
        sheet.append(row(user, n, case))
        if n % 200 == 0:
            progress(n)
    book.save(out)
    return n


def _cell(sheet, value, bold=False):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = Font(bold=bold)
    cell.alignment = Alignment(wrap_text=True, vertical="center")
    return cell
