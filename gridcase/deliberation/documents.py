"""The 援法议事 forms of the seed (附件2–4), generated from the data as A4 PDF with WeasyPrint and the
system's Noto CJK fonts: the 活动会议记录 of a meeting, a village's 问题登记簿 and a town's 法律顾问名单.
They are internal ledgers (login and jurisdiction checked by the views); phones are printed masked.
Nothing is fetched while rendering, so they print the same on an intranet.
"""

from django.template.loader import render_to_string
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


