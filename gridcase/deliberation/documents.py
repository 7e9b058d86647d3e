"""The 援法议事 forms of the seed (附件2–4), generated from the data as A4 PDF with WeasyPrint and the
system's Noto CJK fonts: the 活动会议记录 of a meeting, a village's 问题登记簿 and a town's 法律顾问名单;
the two ledgers also as Excel workbooks (openpyxl), for those who keep them in Excel.
They are internal ledgers (login and jurisdiction checked by the views); phones are printed masked.
Nothing is fetched while rendering, so they print the same on an intranet.
"""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from weasyprint import HTML, URLFetcher

from geodata.models import Area, Level
from gridcase.accounts.models import Role
from gridcase.accounts.selectors import users_covering
from gridcase.deliberation.models import Meeting


def meeting_record_pdf(*, meeting: Meeting) -> bytes:
    """镇“援法议事”活动会议记录: time, place, attendees, topics, and per topic 会议内容 and 处理意见."""
    attendees = list(meeting.attendees.all())
    return _pdf("deliberation/documents/meeting_record.html", meeting=meeting,
                town=meeting.village.parent, present=[a for a in attendees if a.present],
                absent=[a for a in attendees if not a.present],
                agenda=list(meeting.agenda.select_related("topic__list_item").order_by("order", "id")))


def problem_register_pdf(*, village: Area, topics) -> bytes:
    """镇村(社区)“援法议事”问题登记簿: one row per topic, in the seed's nine columns."""
    return _pdf("deliberation/documents/problem_register.html", village=village, town=village.parent,
                topics=list(topics.select_related("registered_by", "list_item", "decision")))


def advisers_rows(*, town: Area) -> list[dict]:
    villages = Area.objects.filter(level=Level.VILLAGE, parent=town).defer("geom").order_by("code")
    rows = []
    for village in villages:
        advisers = list(users_covering(code=village.code, roles=[Role.LEGAL_ADVISER]))
        rows.append({"village": village, "advisers": advisers})
    return rows


def advisers_pdf(*, town: Area) -> bytes:
    """镇各村(社区)法律顾问名单: each village of the town with the legal advisers who serve it."""
    return _pdf("deliberation/documents/advisers.html", town=town, rows=advisers_rows(town=town))


def _pdf(template: str, **context) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()




REGISTER_COLUMNS = [("时间", 12), ("地点", 14), ("登记人", 12), ("咨询人", 10), ("咨询方式", 10), ("联系电话", 14),
                    ("具体问题", 48), ("解决方式", 36), ("备注", 20)]


def problem_register_row(topic) -> list[str]:
    """One line of the 问题登记簿, shared by the PDF and the workbook."""
    solution = topic.decision.decision if topic.decision_id else (topic.reason or "援法议事")
    remark = "；".join(filter(None, [topic.get_state_display(), "急事急议" if topic.fast_track else "",
                                     topic.list_item.name]))
    problem = f"{topic.title}\n{topic.description}" if topic.description else topic.title
    return [timezone.localtime(topic.registered_at).strftime("%Y-%m-%d"), topic.place or topic.village.name,
            str(topic.registered_by or "—"), topic.proposer_name or "—", topic.get_channel_display(),
            topic.proposer_phone_masked or "—", problem, solution, remark]


def problem_register_xlsx(*, village: Area, topics) -> bytes:
    rows = [problem_register_row(t) for t in topics.select_related("registered_by", "list_item", "decision", "village")]
    return _workbook(f"{village.parent.name}{village.name}“援法议事”问题登记簿", REGISTER_COLUMNS, rows)


def advisers_xlsx(*, town: Area) -> bytes:
    rows = []
    for n, row in enumerate(advisers_rows(town=town), start=1):
        advisers = row["advisers"]
        rows.append([n, row["village"].name, "\n".join(map(str, advisers)) or "（未配备）",
                     "\n".join(a.phone or "—" for a in advisers)])
    return _workbook(f"{town.name}各村(社区)法律顾问名单", [("序号", 6), ("村(社区)", 20), ("法律顾问", 20), ("联系电话", 16)], rows)


def _workbook(title: str, columns: list[tuple[str, int]], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    sheet["A1"].font = Font(size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center")
    sheet.append([name for name, _width in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for index, (_name, width) in enumerate(columns, start=1):
        sheet.column_dimensions[sheet.cell(row=2, column=index).column_letter].width = width
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
