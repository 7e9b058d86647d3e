"""GET requests: the 90-day window, the filters, the 1,000-row limit and the page/page_size extension."""

from datetime import datetime, timedelta

import pytest

from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import HazardCategory
from gridcase.lib import clock
from gridcase.requests import services as request_services
from gridcase.requests.models import Office, Request, RequestCategory
from tests.open311.conftest import first_grid

DAYS_AGO = {"h1": 5, "r1": 10, "r3": 20, "r2": 100}  # days ago


def ago(days: int) -> datetime:
    return clock.now() - timedelta(days=days)


@pytest.fixture
def four(world):
    """r1 road (10 days ago, open), r2 road (100 days ago), r3 water (20 days ago, a 大事 at the town's
    infrastructure office), h1 a fire hazard (5 days ago, rejected: closed); all in 古河村."""
    worker, cadre = world["worker"], world["cadre"]
    location = first_grid(worker).geom.point_on_surface
    road, water = RequestCategory.objects.get(code="road"), RequestCategory.objects.get(code="water")
    made = {}
    for name, category in (("r1", road), ("r2", road), ("r3", water)):
        with clock.travel(ago(DAYS_AGO[name])):
            made[name] = request_services.request_register(actor=worker, matter=f"{name} 路灯不亮", category=category,
                                                           received_on=clock.today(), location=location)
    with clock.travel(ago(DAYS_AGO["r3"])):
        made["r3"] = request_services.request_triage(request=made["r3"], actor=cadre, kind="major",
                                                     office=Office.objects.get(code="infrastructure", town=None))
    with clock.travel(ago(DAYS_AGO["h1"])):
        hazard = hazard_services.hazard_report(actor=worker, title="楼道堆放杂物", location=location,
                                               category=HazardCategory.objects.get(code="01"))
        made["h1"] = hazard_services.hazard_reject(hazard=hazard, actor=cadre, reason="经核实为误报")
    return {name: obj.number for name, obj in made.items()} | {"objects": made}


def ids(answer) -> list[str]:
    assert answer.status == 200, answer.text
    return [document["service_request_id"] for document in answer.json()]


def test_the_last_90_days_newest_first_with_status_and_agency(georeport, key_for, four):
    key = key_for("cadre")
    answer = georeport.get("requests.json", api_key=key)
    assert ids(answer) == [four["h1"], four["r1"], four["r3"]]
    h1, r1, r3 = answer.json()
    assert (h1["status"], h1["status_notes"], h1["agency_responsible"]) == ("closed", "不予核实：经核实为误报", "古河村村民委员会")
    assert (r1["status"], r1["status_notes"], r1["expected_datetime"]) == ("open", "待分流", None)
    deadline = four["objects"]["r3"].deadline
    assert (r3["status"], r3["agency_responsible"], r3["service_notice"]) == ("open", "屠园镇（基础设施）", "大事")
    assert r3["expected_datetime"].endswith("+08:00")
    assert datetime.fromisoformat(r3["expected_datetime"]) == deadline.replace(microsecond=0)


def test_filters_by_status_service_dates_and_ids(georeport, key_for, four):
    key = key_for("cadre")
    assert ids(georeport.get("requests.json", api_key=key, status="closed")) == [four["h1"]]
    assert ids(georeport.get("requests.json", api_key=key, status="open")) == [four["r1"], four["r3"]]
    assert ids(georeport.get("requests.json", api_key=key, status="open,closed")) == [four["h1"], four["r1"], four["r3"]]
    assert ids(georeport.get("requests.json", api_key=key, service_code="request-road")) == [four["r1"]]
    assert ids(georeport.get("requests.json", api_key=key, service_code="request-road,hazard-01")) == [
        four["h1"], four["r1"]]
    window = {"start_date": ago(120).isoformat(), "end_date": ago(60).isoformat()}
    assert ids(georeport.get("requests.json", api_key=key, **window)) == [four["r2"]]
    assert ids(georeport.get("requests.json", api_key=key, start_date=ago(15).isoformat())) == [four["h1"], four["r1"]]
    assert ids(georeport.get("requests.json", api_key=key, end_date=ago(8).isoformat())) == [four["r1"], four["r3"]]
    # service_request_id overrides the window and every other filter.
    assert ids(georeport.get("requests.json", api_key=key, service_request_id=f"{four['r2']},{four['h1']}",
                             status="open")) == [four["h1"], four["r2"]]
    root = georeport.get("requests.xml", api_key=key, status="closed").xml()
    assert [r.findtext("service_request_id") for r in root.findall("request")] == [four["h1"]]


def test_pages_follow_each_other(georeport, key_for, four):
    key = key_for("cadre")
    first = georeport.get("requests.json", api_key=key, page_size="2")
    assert ids(first) == [four["h1"], four["r1"]]
    assert first.headers["Link"].endswith('page=2&page_size=2>; rel="next"')
    # The key is a credential: a client that logs or forwards the link must not leak it.
    assert "api_key" not in first.headers["Link"] and key not in first.headers["Link"]
    second = georeport.get("requests.json", api_key=key, page_size="2", page="2")
    assert ids(second) == [four["r3"]]
    assert "Link" not in second.headers
    assert ids(georeport.get("requests.json", api_key=key, page="3", page_size="2")) == []


def test_bad_query_parameters_are_error_documents(georeport, key_for):
    key = key_for("cadre")
    cases = [
        ({"start_date": "2026-11-01"}, 400, "start_date 应为带时区的 ISO 8601 时间，例如 2026-11-01T00:00:00+08:00，收到：2026-11-01"),
        ({"end_date": "yesterday"}, 400, "end_date 应为带时区的 ISO 8601 时间，例如 2026-11-01T00:00:00+08:00，收到：yesterday"),
        ({"start_date": "2026-01-01T00:00:00+08:00", "end_date": "2026-04-02T00:00:00+08:00"}, 400,
         "start_date 到 end_date 不能超过 90 天"),
        ({"start_date": "2026-04-01T00:00:00+08:00", "end_date": "2026-03-01T00:00:00+08:00"}, 400,
         "end_date 早于 start_date"),
        ({"page_size": "0"}, 400, "page_size 应为 1 到 1000 之间的整数，收到：0"),
        ({"page_size": "1001"}, 400, "page_size 应为 1 到 1000 之间的整数，收到：1001"),
        ({"page": "two"}, 400, "page 应为 1 到 1000000 之间的整数，收到：two"),
        ({"status": "pending"}, 400, "status 只能是 open 或 closed（可用逗号分隔），收到：pending"),
        ({"service_code": "request-road,hazard-99"}, 400, "没有这个 service_code：hazard-99"),
        ({"jurisdiction_id": "999999999"}, 404, "没有这个 jurisdiction_id：999999999（应为区县、乡镇或村(社区)的区划代码）"),
    ]
    for params, status, description in cases:
        answer = georeport.get("requests.json", api_key=key, **params)
        assert (answer.status, answer.json()) == (status, [{"code": status, "description": description}]), params
    error = georeport.get("requests.xml", api_key=key, page_size="0").xml().find("error")
    assert (error.findtext("code"), error.findtext("description")) == ("400", "page_size 应为 1 到 1000 之间的整数，收到：0")


def test_at_most_1000_requests_in_an_answer(georeport, key_for, world):
    village = world["cadre"].area
    road = RequestCategory.objects.get(code="road")
    now = clock.now()
    Request.objects.bulk_create([
        Request(number=f"{village.code[:9]}-2026-M9{n:04d}", received_on=clock.today(), matter=f"第{n}件",
                category=road, village=village, area_code=village.code, village_code=village.code,
                town_code=village.code[:9], county_code=village.code[:6], registered_at=now - timedelta(minutes=n))
        for n in range(1001)])
    key = key_for("cadre")
    first = georeport.get("requests.json", api_key=key)
    assert len(ids(first)) == 1000
    assert ids(first)[0] == f"{village.code[:9]}-2026-M90000"
    assert 'page=2&page_size=1000>; rel="next"' in first.headers["Link"]
    assert ids(georeport.get("requests.json", api_key=key, page="2")) == [f"{village.code[:9]}-2026-M91000"]
    assert len(georeport.get("requests.xml", api_key=key).xml().findall("request")) == 1000
