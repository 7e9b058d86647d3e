"""The seed's forms, generated from the data: 活动会议记录, 问题登记簿, 法律顾问名单 (PDF and Excel)."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from gridcase.deliberation.models import State

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    """The document's text without whitespace (lines wrap wherever the layout puts them)."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def test_the_meeting_record_has_the_seeds_layout_and_the_topics_minutes(login, make_topic):
    topic = make_topic(State.DECIDED, title="清理小区僵尸车", description="三号楼前两辆废弃轿车长期占用车位")
    meeting = topic.decision.meeting
    response = login("cadre").get(f"/deliberation/meetings/{meeting.pk}/record.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = text_of(response.content)
    for expected in ("屠园镇“援法议事”活动会议记录", "活动时间", "活动地点", "古河村党群服务中心", "参加人员", "活动议题",
                     "会议内容", "处理意见", "记录人", "清理小区僵尸车", "三号楼前两辆废弃轿车长期占用车位",
                     "大家同意张贴通知后清理", "限期十五日内清理", "王书记（村(社区)两委成员）", "缺席：孙明白（法律明白人）",
                     "出席5人，赞成4票，反对1票，弃权0票", "获得通过"):
        assert expected in text, expected


def test_the_problem_register_lists_the_villages_topics_in_the_seeds_nine_columns(login, make_topic):
    make_topic(State.COLLECTED, title="增设集中充电桩", description="电动车楼道充电有火灾隐患", proposer_name="吴大海",
               proposer_phone="13812345678", place="三号楼")
    make_topic(State.DECIDED, title="清理小区僵尸车")
    response = login("cadre").get("/deliberation/register/321302112210.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    for expected in ("屠园镇古河村“援法议事”问题登记簿", "时间", "地点", "登记人", "咨询人", "咨询方式", "联系电话", "具体问题",
                     "解决方式", "备注", "增设集中充电桩", "电动车楼道充电有火灾隐患", "吴大海", "138****5678", "三号楼",
                     "清理小区僵尸车", "限期十五日内清理", "待审议"):
        assert expected in text, expected
    assert "13812345678" not in text


def test_the_list_of_legal_advisers_names_each_village_of_the_town_and_its_adviser(login, users, village):
    response = login("leader").get("/deliberation/advisers/321302112.pdf")
    assert response.status_code == 200
    text = text_of(response.content)
    assert "屠园镇各村(社区)法律顾问名单" in text and village.name in text
    assert "".join(str(users["adviser"]).split()) in text
    assert str(users["adviser2"]) not in text


def test_the_problem_register_as_an_excel_workbook(login, make_topic):
    make_topic(State.COLLECTED, title="增设集中充电桩", description="电动车楼道充电有火灾隐患", proposer_name="吴大海",
               proposer_phone="13812345678", channel="wechat")
    response = login("worker").get("/deliberation/register/321302112210.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "屠园镇古河村“援法议事”问题登记簿"
    assert rows[1] == ["时间", "地点", "登记人", "咨询人", "咨询方式", "联系电话", "具体问题", "解决方式", "备注"]
    assert rows[2][3:7] == ["吴大海", "微信群", "138****5678", "增设集中充电桩\n电动车楼道充电有火灾隐患"]
    assert rows[2][8].startswith("待审议")


def test_the_list_of_legal_advisers_as_an_excel_workbook(login, users, village):
    response = login("adviser").get("/deliberation/advisers/321302112.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row[2] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[village.name] == str(users["adviser"])


def test_the_list_page_offers_the_users_ledgers(login):
    html = login("cadre").get("/deliberation/").content.decode()
    assert "/deliberation/register/321302112210.xlsx" in html and "/deliberation/advisers/321302112.pdf" in html
