"""POST requests as the GeoReport examples do it (form-encoded, api_key in the body), then GET it back."""

from django.contrib.gis.geos import Point

from geodata import crs
from geodata.models import Area
from gridcase.api.models import IdempotencyRecord, Scope
from gridcase.hazards.models import Hazard
from gridcase.lib import crypto
from gridcase.requests.models import Request
from tests.open311.conftest import first_grid, inside

PERSONAL = ("建国", "13812345678", "jianguo@example.com", "张**", "138****5678")


def road_request(key, grid, **extra):
    lat, long = inside(grid)
    return {"api_key": key, "service_code": "request-road", "lat": lat, "long": long,
            "description": "村口路灯坏了三天，晚上走路看不见", "first_name": "建国", "last_name": "张",
            "phone": "13812345678", "email": "jianguo@example.com", **extra}


def test_a_request_posted_in_json_is_registered_and_read_back(georeport, key_for, world):
    key, grid = key_for("worker"), first_grid(world["worker"])
    answer = georeport.post("requests.json", road_request(key, grid, **{"attribute[channel]": "hotline"}))
    assert answer.status == 201, answer.text
    created, = answer.json()
    number = created["service_request_id"]
    assert number.startswith("321302112-") and "-M" in number
    assert created["service_notice"] == f"已登记为民情诉求 {number}，待村(社区)分流"

    request = Request.objects.get(number=number)
    assert (request.channel, request.registered_by, request.grid_id, str(request.client_id)) == (
        "hotline", world["worker"], grid.pk, created["token"])
    # The reporter went into the encrypted fields, family name first, phone before e-mail.
    assert crypto.decrypt(request.reporter_name_encrypted) == "张建国"
    assert crypto.decrypt(request.contact_encrypted) == "13812345678"
    assert request.events.get().kind == "request.registered"

    answer = georeport.get(f"requests/{number}.json", api_key=key)
    assert answer.status == 200
    document, = answer.json()
    lat, long = inside(grid)
    assert document == {
        "service_request_id": number, "status": "open", "status_notes": "待分流", "service_name": "道路交通与路灯",
        "service_code": "request-road", "description": "村口路灯坏了三天，晚上走路看不见",
        "agency_responsible": "古河村村民委员会", "service_notice": "待分流",
        "requested_datetime": document["requested_datetime"], "updated_datetime": document["updated_datetime"],
        "expected_datetime": None, "address": f"屠园镇{grid.name}", "address_id": grid.code, "zipcode": None,
        "lat": float(lat), "long": float(long), "media_url": None}
    assert document["requested_datetime"].endswith("+08:00")
    for answer_text in (answer.text, georeport.get(f"requests/{number}.xml", api_key=key).text,
                        georeport.get("requests.json", api_key=key).text, georeport.get("requests.xml", api_key=key).text,
                        georeport.get(f"tokens/{created['token']}.json", api_key=key).text):
        assert not [value for value in PERSONAL if value in answer_text]


def test_a_hazard_posted_in_xml_with_its_severity(georeport, key_for, world):
    key, grid = key_for("cadre"), first_grid(world["worker"])
    lat, long = inside(grid)
    answer = georeport.post("requests.xml", {
        "api_key": key, "service_code": "hazard-01", "lat": lat, "long": long,
        "description": "沿街商铺楼道堆放杂物\n堵塞消防通道，已提醒店主", "attribute[severity]": "2"})
    assert answer.status == 201, answer.text
    root = answer.xml()
    assert root.tag == "service_requests"
    number = root.find("request").findtext("service_request_id")
    assert number.startswith("YH321302112-")

    hazard = Hazard.objects.get(number=number)
    assert (hazard.title, hazard.severity, hazard.grid_id, hazard.reported_by) == (
        "沿街商铺楼道堆放杂物", 2, grid.pk, world["cadre"])

    request = georeport.get(f"requests/{number}.xml", api_key=key).xml().find("request")
    assert request.findtext("status") == "open"
    assert request.findtext("service_code") == "hazard-01"
    assert request.findtext("description") == "沿街商铺楼道堆放杂物\n堵塞消防通道，已提醒店主"
    assert request.findtext("service_notice") == "隐患等级：较大"
    assert request.findtext("agency_responsible") == "古河村村民委员会"
    assert request.findtext("expected_datetime") == ""  # an empty element: no deadline until ordered rectified
    assert request.findtext("address_id") == grid.code


def test_a_retry_with_the_same_idempotency_key_creates_nothing_new(georeport, key_for, world):
    key, grid = key_for("worker"), first_grid(world["worker"])
    form = road_request(key, grid)
    first = georeport.post("requests.json", form, headers={"Idempotency-Key": "hotline-20261123-0001"})
    again = georeport.post("requests.json", form, headers={"Idempotency-Key": "hotline-20261123-0001"})
    assert (first.status, again.status) == (201, 201)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Request.objects.count() == 1

    # The key with another body is a mistake, said in GeoReport's own error format.
    other = georeport.post("requests.json", {**form, "description": "另一件事"}, headers={"Idempotency-Key": "hotline-20261123-0001"})
    assert other.status == 422
    assert other.json()[0]["code"] == 422
    assert Request.objects.count() == 1

    # After the replay window the derived token still names the same submission.
    IdempotencyRecord.objects.all().delete()
    later = georeport.post("requests.json", form, headers={"Idempotency-Key": "hotline-20261123-0001"})
    assert later.status == 200
    assert later.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    assert Request.objects.count() == 1


def test_a_retry_with_the_same_client_id_creates_nothing_new_and_the_token_finds_it(georeport, key_for, world):
    key, grid = key_for("worker"), first_grid(world["worker"])
    form = road_request(key, grid, client_id="6f1c9a4e-3b1d-4c55-9a0e-2d7b1f3c8e21")
    first, again = georeport.post("requests.json", form), georeport.post("requests.json", form)
    assert (first.status, again.status) == (201, 200)
    assert first.json()[0]["token"] == "6f1c9a4e-3b1d-4c55-9a0e-2d7b1f3c8e21"
    assert again.json()[0]["service_request_id"] == first.json()[0]["service_request_id"]
    assert Request.objects.count() == 1
    found = georeport.get("tokens/6f1c9a4e-3b1d-4c55-9a0e-2d7b1f3c8e21.json", api_key=key).json()
    assert found == [{"service_request_id": first.json()[0]["service_request_id"],
                      "token": "6f1c9a4e-3b1d-4c55-9a0e-2d7b1f3c8e21"}]
    root = georeport.get("tokens/6f1c9a4e-3b1d-4c55-9a0e-2d7b1f3c8e21.xml", api_key=key).xml()
    assert root.find("request").findtext("service_request_id") == found[0]["service_request_id"]
    assert georeport.get("tokens/00000000-0000-4000-8000-000000000000.json", api_key=key).status == 404


def test_a_point_outside_every_grid_is_refused(georeport, key_for):
    key = key_for("admin")
    form = {"api_key": key, "service_code": "request-road", "lat": "31.2304", "long": "121.4737",
            "description": "上海的路灯"}
    answer = georeport.post("requests.json", form)
    assert answer.status == 400
    assert answer.json() == [{"code": 400, "description": "该位置（WGS-84 经度 121.473700，纬度 31.230400）不在任何网格内"}]
    error = georeport.post("requests.xml", form).xml().find("error")
    assert error.findtext("code") == "400"
    assert error.findtext("description").endswith("不在任何网格内")
    assert Request.objects.count() == 0


def test_a_point_in_another_towns_grid_names_that_grid(georeport, key_for, world):
    foreign_grid = first_grid(world["worker2"])
    answer = georeport.post("requests.json", road_request(key_for("leader"), foreign_grid))
    assert answer.status == 400
    description = answer.json()[0]["description"]
    assert description.startswith("该位置不在您的辖区内")
    assert foreign_grid.name in description and foreign_grid.code in description
    assert Request.objects.count() == 0


def test_gcj02_coordinates_are_converted_and_land_in_the_right_grid(georeport, key_for, world):
    grid = first_grid(world["worker"])
    wgs = grid.geom.point_on_surface
    long, lat = crs.wgs84_to_gcj02(wgs.x, wgs.y)
    # The GCJ-02 offset is hundreds of metres: taken as WGS-84 the point would be elsewhere.
    assert Point(long, lat, srid=4326).distance(wgs) > 0.001
    answer = georeport.post("requests.json", {
        "api_key": key_for("worker"), "service_code": "request-road", "lat": f"{lat:.8f}", "long": f"{long:.8f}",
        "coordinate_system": "gcj02", "description": "高德地图上选的位置"})
    assert answer.status == 201, answer.text
    request = Request.objects.get(number=answer.json()[0]["service_request_id"])
    assert request.grid_id == grid.pk
    assert abs(request.location.x - wgs.x) < 1e-6 and abs(request.location.y - wgs.y) < 1e-6


def test_address_id_places_a_request_in_a_village_without_coordinates(georeport, key_for, world):
    village = world["cadre"].area
    answer = georeport.post("requests.json", {"api_key": key_for("cadre"), "service_code": "request-public",
                                              "address_id": village.code, "address_string": "古河村村部东侧广场",
                                              "description": "广场健身器材损坏"})
    assert answer.status == 201, answer.text
    request = Request.objects.get(number=answer.json()[0]["service_request_id"])
    assert (request.village_id, request.grid_id, request.location) == (village.pk, None, None)
    assert request.matter == "广场健身器材损坏\n地址：古河村村部东侧广场"


def test_bad_submissions_are_refused_with_a_reason_and_create_nothing(georeport, key_for, world):
    key, grid = key_for("worker"), first_grid(world["worker"])
    lat, long = inside(grid)
    base = {"api_key": key, "service_code": "request-road", "lat": lat, "long": long, "description": "路灯坏了"}
    cases = [
        ({"service_code": "request-nothing"}, 400, "没有这个 service_code：request-nothing"),
        ({"service_code": ""}, 400, "缺少 service_code"),
        ({"lat": "", "long": ""}, 400, "缺少位置：请给出 lat/long，或以 address_id 给出村(社区)的 12 位区划代码"),
        ({"lat": "", "long": "", "address_string": "古河村"}, 400,
         "本系统不解析地址：请给出 lat/long，或以 address_id 给出村(社区)的 12 位区划代码"),
        ({"lat": "north"}, 400, "lat/long：经纬度必须是数字"),
        ({"long": ""}, 400, "lat 与 long 须同时给出"),
        ({"coordinate_system": "utm"}, 400, "coordinate_system 只能是 wgs84、gcj02 或 bd09，收到：utm"),
        ({"description": " "}, 400, "请在 description 中写明反映的事项"),
        ({"attribute[colour]": "red"}, 400, "服务 request-road 没有属性 colour；可用：reporter_name,reporter_phone,channel"),
        ({"attribute[channel]": "fax"}, 400, "attribute[channel] 只能是 open311,hotline，收到：fax"),
        ({"service_code": "hazard-01", "lat": "", "long": "", "address_id": "321302112210"}, 400, "隐患须给出位置：lat 与 long"),
        ({"client_id": "not-a-uuid"}, 400, "client_id 应为 UUID，收到：not-a-uuid"),
        ({"jurisdiction_id": "321302101"}, 400, f"该位置属于{grid.name}（{grid.code}），不在 jurisdiction_id 321302101 内"),
        ({"jurisdiction_id": "42"}, 404, "没有这个 jurisdiction_id：42（应为区县、乡镇或村(社区)的区划代码）"),
        ({"api_key": ""}, 403, "缺少 api_key：本系统的数据不公开，查询与提交都需要接口令牌"),
        ({"api_key": "gc_wrong"}, 403, "api_key 无效、已过期或已吊销"),
        ({"api_key": key_for("worker", scopes=[Scope.READ])}, 403, "该 api_key 没有「写入」权限"),
        ({"api_key": key_for("adviser")}, 403, "您的角色不能登记民情诉求"),
    ]
    for change, status, description in cases:
        answer = georeport.post("requests.json", {**base, **change})
        assert (answer.status, answer.json()) == (status, [{"code": status, "description": description}]), change
    assert Request.objects.count() == Hazard.objects.count() == 0
    assert georeport.get("requests.json").status == 403
    assert Area.objects.filter(code="321302101").exists()  # the jurisdiction_id above was real, only elsewhere
