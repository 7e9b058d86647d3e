"""The quarterly 三事清单: counts match the requests, the cadre signs it off, and a signed list
stays as signed when the list is generated again."""

import io
from datetime import date

import pytest
from openpyxl import load_workbook

from gridcase.requests import lists, services
from gridcase.requests.models import Kind, RequestCategory, ThreeList

pytestmark = pytest.mark.django_db

YEAR, QUARTER = 2026, 3  # July – September 2026, before "today" in any run of these tests


@pytest.fixture
def quarter(make_request, users, infrastructure):
    cadre = users["cadre"]
    family = RequestCategory.objects.get(code="family")
    made = {
        "major": [make_request(received_on=date(2026, 7, 3)), make_request(received_on=date(2026, 8, 9))],
        "minor": [make_request(received_on=date(2026, 9, 30), matter="广场健身器材坏了")],
        "private": [make_request(received_on=date(2026, 7, 15), category=family, matter="子女不赡养")],
        "untriaged": [make_request(received_on=date(2026, 8, 1), matter="路边树枝挡路")],
    }
    for r in made["major"]:
        services.request_triage(request=r, actor=cadre, kind=Kind.MAJOR, office=infrastructure)
    services.request_triage(request=made["minor"][0], actor=cadre, kind=Kind.MINOR)
    services.request_triage(request=made["private"][0], actor=cadre, kind=Kind.PRIVATE)
    services.request_close(request=made["private"][0], actor=cadre, satisfaction="satisfied")
    # A repeat of the first 大事, merged into it: one matter, two reporters.
    repeat = make_request(received_on=date(2026, 7, 5), matter="村口路灯还是不亮")
    services.request_merge(request=repeat, into=made["major"][0], actor=cadre)
    # Outside the quarter, or another village: not in the list.
    make_request(received_on=date(2026, 6, 30))
    make_request(received_on=date(2026, 10, 1))
    make_request("cadre2", located=False, received_on=date(2026, 8, 1))
    return made


def test_the_counts_match_the_requests_of_the_quarter(quarter, users):
    made = lists.three_list_generate(village=users["cadre"].area, year=YEAR, quarter=QUARTER, actor=users["cadre"])

    counts = {k: (t["matters"], t["reporters"], t["closed"]) for k, t in made.totals.items()}
    assert counts == {"major": (2, 3, 0), "minor": (1, 1, 0), "private": (1, 1, 1), "untriaged": (1, 1, 0)}
    assert sorted(r["number"] for r in made.rows) == sorted(r.number for group in quarter.values() for r in group)
    major = next(r for r in made.rows if r["number"] == quarter["major"][0].number)
    assert major["responsible"] == "基础设施" and major["reporters"] == 2 and major["reporter"] == "张**"
    assert "张建国" not in str(made.rows) and "13812345678" not in str(made.rows)


def test_a_signed_list_is_kept_when_the_list_is_generated_again(quarter, users, make_request):
    cadre = users["cadre"]
    first = lists.three_list_generate(village=cadre.area, year=YEAR, quarter=QUARTER, actor=cadre)
    again = lists.three_list_generate(village=cadre.area, year=YEAR, quarter=QUARTER, actor=cadre)
    assert again.pk == first.pk  # unsigned: replaced in place

    sign_off = lists.three_list_sign_off(three_list=first, actor=cadre, note="已逐项核对")
    assert sign_off.by == cadre and sign_off.at is not None
    make_request(received_on=date(2026, 9, 1), matter="新反映的事项")
    newer = lists.three_list_generate(village=cadre.area, year=YEAR, quarter=QUARTER, actor=cadre)

    assert newer.pk != first.pk and len(newer.rows) == len(first.rows) + 1
    first.refresh_from_db()
    assert len(first.rows) == 5 and first.sign_off.note == "已逐项核对"
    with pytest.raises(services.RequestError, match="已签署"):
        lists.three_list_sign_off(three_list=first, actor=cadre)
    assert ThreeList.objects.filter(village=cadre.area, year=YEAR, quarter=QUARTER).count() == 2


def test_only_a_cadre_of_the_village_signs_and_an_outdated_list_is_not_signed(quarter, users):
    made = lists.three_list_generate(village=users["cadre"].area, year=YEAR, quarter=QUARTER, actor=users["leader"])
    for who in ("leader", "worker", "cadre2"):
        with pytest.raises(services.NotAllowed):
            lists.three_list_sign_off(three_list=made, actor=users[who])
    with pytest.raises(services.NotAllowed):
        lists.three_list_generate(village=users["cadre"].area, year=YEAR, quarter=QUARTER, actor=users["cadre2"])


def test_the_pages_generate_sign_and_download(quarter, users, login):
    client = login("cadre")
    response = client.post("/requests/lists/", {"village": users["cadre"].area.pk, "year": YEAR, "quarter": QUARTER})
    assert response.status_code == 302
    url = response["Location"]
    page = client.get(url).content.decode()
    assert "村口路灯" in page and "审核无误，签署" in page
    client.post(url, {"note": "同意"})
    assert "审核签署" in client.get(url).content.decode()
    assert ThreeList.objects.get().sign_off.by == users["cadre"]

    xlsx = client.get(url.rstrip("/") + ".xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    assert ["大事", 2, 3, 0] in values and ["私事", 1, 1, 1] in values
    assert any(str(v).startswith("审核签署：") and "村干部" in str(v) for row in values for v in row)
    assert sum(1 for row in values if row and str(row[0]).startswith(quarter["major"][0].town_code + "-")) == 5


def test_a_future_quarter_is_refused(users):
    with pytest.raises(services.RequestError, match="尚未开始"):
        lists.three_list_generate(village=users["cadre"].area, year=2099, quarter=1, actor=users["cadre"])
