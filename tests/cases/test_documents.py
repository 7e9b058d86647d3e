"""The printed documents: the 人民调解协议书 and the 人民调解受理登记表 carry the parties' full data,
so only those who handle the case download them, and every download is logged."""

import io
import shutil
import subprocess
from datetime import date

import pytest
from pypdf import PdfReader

from gridcase.cases import services
from gridcase.cases.models import Case, Party, PersonalDataView
from tests.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)
ZHANG_ID, LI_ID = "321302199001011234", "32130219851203452X"
TERMS = ("一、李四于2026年11月30日前自行疏通两家之间的排水沟，并保持畅通。\n"
         "二、李四赔偿张三菜地损失人民币伍佰元整，于签订本协议时当场付清。")


@pytest.fixture
def accepted(make_case, users):
    case = make_case(
        narrative="张三与李四系前后邻居。李四家翻建院墙时将排水沟填堵，雨后积水淹了张三家菜地，双方为此多次争吵。",
        parties=[services.PartyInput(name="张三", id_number=ZHANG_ID, phone="13812345678", address="古河村三组12号"),
                 services.PartyInput(name="李四", role=Party.Role.RESPONDENT, id_number=LI_ID, phone="13987654321",
                                     address="古河村三组14号")],
    )
    return services.case_accept(case=case, actor=users["cadre"])


@pytest.fixture
def settled(accepted, users):
    case = services.case_start_mediation(case=accepted, actor=users["cadre"], held_on=TODAY, place="古河村调解室",
                                         attendees="张三、李四、村调委会", content="双方陈述")
    return services.case_settle(case=case, actor=users["cadre"], signed_on=TODAY, terms=TERMS,
                                performance_due=date(2026, 11, 30))


def text_of(pdf: bytes) -> str:
    """The document's text without whitespace (lines wrap wherever the layout puts them)."""
    return "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())


def download(client, case, document: str):
    return client.get(f"/cases/{case.pk}/{document}.pdf")


def test_the_mediator_downloads_the_agreement_with_the_parties_in_full(login, settled):
    response = download(login("cadre"), settled, "agreement")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;") and settled.number in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = text_of(response.content)
    for expected in ("人民调解协议书", settled.number, "张三", "李四", ZHANG_ID, LI_ID, "13812345678", "古河村三组12号",
                     "".join(TERMS.split()), "2026年11月30日前履行完毕", "司法确认", "古河村人民调解委员会（印章）", "2026年11月23日"):
        assert expected in text, expected


def test_each_download_logs_a_view_of_each_party(login, settled, users):
    client = login("cadre")

    download(client, settled, "agreement")
    download(client, settled, "acceptance")

    views = PersonalDataView.objects.filter(case=settled)
    assert views.count() == 4 and {v.user for v in views} == {users["cadre"]}
    assert sorted(views.values_list("party__name", flat=True)) == ["张三", "张三", "李四", "李四"]


def test_the_acceptance_form_of_an_accepted_case(login, accepted):
    response = download(login("cadre"), accepted, "acceptance")

    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert accepted.number in response["Content-Disposition"]
    text = text_of(response.content)
    for expected in ("人民调解受理登记表", accepted.number, "邻里纠纷", "张三", "李四", ZHANG_ID, "13987654321", "予以受理",
                     "古河村人民调解委员会（印章）"):
        assert expected in text, expected


def test_a_town_case_is_accepted_and_sealed_by_the_town_committee(login, accepted, users):
    case = services.case_escalate(case=accepted, actor=users["cadre"], reason="涉及跨村水利设施")
    services.case_accept(case=case, actor=users["mediator"])

    text = text_of(download(login("mediator"), case, "acceptance").content)

    assert "屠园镇人民调解委员会（印章）" in text and "古河村人民调解委员会" not in text


def test_a_case_outside_the_jurisdiction_is_not_found(login, settled):
    client = login("cadre2")

    assert download(client, settled, "agreement").status_code == 404
    assert download(client, settled, "acceptance").status_code == 404
    assert not PersonalDataView.objects.exists()


def test_those_who_see_the_case_but_do_not_handle_it_are_refused(login, settled):
    for username in ("worker", "adviser"):
        client = login(username)
        assert client.get(f"/cases/{settled.pk}/").status_code == 200
        assert download(client, settled, "agreement").status_code == 403, username
        assert download(client, settled, "acceptance").status_code == 403, username
    assert not PersonalDataView.objects.exists()


def test_there_is_no_agreement_before_settlement_and_no_form_before_acceptance(login, accepted, make_case):
    client = login("cadre")

    assert download(client, accepted, "agreement").status_code == 404
    assert download(client, make_case(), "acceptance").status_code == 404
    assert not PersonalDataView.objects.exists()


def test_the_case_page_offers_the_documents_to_those_who_handle_it(login, accepted, settled):
    settled_page = login("cadre").get(f"/cases/{settled.pk}/").content.decode()
    assert "打印调解协议书" in settled_page and f"/cases/{settled.pk}/agreement.pdf" in settled_page
    assert "打印受理登记表" in settled_page and f"/cases/{settled.pk}/acceptance.pdf" in settled_page

    worker_page = login("worker").get(f"/cases/{settled.pk}/").content.decode()
    assert "打印" not in worker_page and ".pdf" not in worker_page


def test_an_accepted_case_offers_only_the_acceptance_form(login, accepted):
    page = login("cadre").get(f"/cases/{accepted.pk}/").content.decode()

    assert "打印受理登记表" in page and "打印调解协议书" not in page


def test_the_documents_are_set_in_the_cjk_fonts(login, settled):
    reader = PdfReader(io.BytesIO(download(login("cadre"), settled, "agreement").content))

    fonts = {str(font.get_object()["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert fonts and all("CJK" in name for name in fonts), fonts


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils (pdftoppm) is not installed")
def test_the_agreement_renders_to_a_page_one_can_look_at(login, settled, tmp_path):
    """Leaves tests/artifacts/agreement.png for a person to look at (Chinese glyphs, layout)."""
    pdf = tmp_path / "agreement.pdf"
    pdf.write_bytes(download(login("cadre"), settled, "agreement").content)
    ARTIFACTS.mkdir(exist_ok=True)

    subprocess.run(["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", pdf, ARTIFACTS / "agreement"],
                   check=True)

    assert (ARTIFACTS / "agreement.png").stat().st_size > 10_000


def test_the_signatures_stay_on_the_page_of_the_last_clause_whatever_the_length(login, accepted, users):
    """However long the facts, the signature block never stands alone at the top of a page."""
    case = services.case_start_mediation(case=accepted, actor=users["cadre"], held_on=TODAY, place="古河村调解室",
                                         attendees="张三、李四", content="双方陈述")
    case = services.case_settle(case=case, actor=users["cadre"], signed_on=TODAY, terms=TERMS)
    client = login("cadre")
    line = "李四家翻建院墙时将排水沟填堵，雨后积水淹了张三家菜地，双方为此多次争吵，村调委会多次上门做工作。"
    split = 0
    for lines in range(4, 34, 2):
        Case.objects.filter(pk=case.pk).update(narrative="\n".join([line] * lines))
        pages = ["".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(download(client, case, "agreement").content)).pages]
        [signing] = [n for n, text in enumerate(pages) if "人民调解员（签名）" in text]
        assert "（以下无正文）" in pages[signing] and "申请强制执行" in pages[signing], (lines, pages[signing][:80])
        split += len(pages) > 1
    assert split, "no length tried ran over one page"
