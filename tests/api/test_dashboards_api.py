"""/api/v1/measures/ and /api/v1/heat/: the dashboards' figures and heat bins, for leaders, in their jurisdiction."""

import pytest

from geodata.models import Area
from tests.conftest import GUHE, TUYUAN
from tests.hazards.conftest import fire, make_hazard, media, rectifying  # noqa: F401

pytestmark = pytest.mark.django_db


def _bbox(code):
    return ",".join(str(v) for v in Area.objects.get(code=code).geom.extent)


def test_a_town_leader_reads_a_measure_with_its_target_and_definition(api, rectifying):  # noqa: F811
    rectifying()  # due Friday 6 Nov 2026, still rectifying: 0 of 1 on time
    response = api("leader").get("/api/v1/measures/?period=month&start=2026-11-01&key=hazard_on_time")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["area"]["code"] == TUYUAN
    assert body["period"] == {"kind": "month", "start": "2026-11-01", "end": "2026-11-30", "label": "2026年11月"}
    [measure] = body["measures"]
    assert (measure["numerator"], measure["denominator"], measure["value"]) == (0, 1, 0.0)
    assert measure["target"] == 95.0 and measure["rag"] == "red" and measure["definition"]
    assert api("leader").get("/api/v1/measures/?period=month&start=2026-11-01&key=hazard_on_time",
                             HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_every_measure_comes_with_its_definition_and_a_village_can_be_asked(api):
    body = api("leader").get(f"/api/v1/measures/?area={GUHE}").json()
    assert body["area"]["code"] == GUHE
    keys = [m["key"] for m in body["measures"]]
    assert {"success", "volume", "hazard_on_time"} <= set(keys) and all(m["definition"] for m in body["measures"])


def test_measures_are_refused_outside_the_jurisdiction_and_to_workers(api, users):
    assert api("leader").get(f"/api/v1/measures/?area={users['leader2'].area.code}").status_code == 404
    assert api("worker").get("/api/v1/measures/").status_code == 403
    assert api("leader").get("/api/v1/measures/?period=decade").status_code == 400
    assert api("leader").get("/api/v1/measures/?key=nonsense").status_code == 400


def test_heat_bins_count_the_cases_of_the_jurisdiction(api, make_case):
    make_case()
    make_case(username="worker2")  # 耿车镇: outside the leader's box and jurisdiction
    body = api("leader").get(f"/api/v1/heat/?bbox={_bbox(TUYUAN)}&zoom=13").json()
    assert body["type"] == "FeatureCollection" and body["total"] == 1 and body["size"] == 1000
    assert [f["properties"]["count"] for f in body["features"]] == [1]
    assert api("leader2").get(f"/api/v1/heat/?bbox={_bbox(TUYUAN)}&zoom=13").json()["total"] == 0
    assert api("worker").get(f"/api/v1/heat/?bbox={_bbox(TUYUAN)}&zoom=13").status_code == 403
    assert api("leader").get("/api/v1/heat/?zoom=13").status_code == 400
