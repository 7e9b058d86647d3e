"""GET services and GET services/{code}, and the discovery document, in both formats."""

# 19 request categories (gridcase/requests/data/categories.csv) and 8 hazard categories (hazards migration 0002).
REQUEST_SERVICES, HAZARD_SERVICES = 19, 8


def test_service_list_is_the_request_and_hazard_categories_in_json(georeport):
    answer = georeport.get("services.json")
    assert answer.status == 200
    services = answer.json()
    assert len(services) == REQUEST_SERVICES + HAZARD_SERVICES
    road = next(s for s in services if s["service_code"] == "request-road")
    assert road == {"service_code": "request-road", "service_name": "道路交通与路灯", "description": "民情诉求：道路交通与路灯",
                    "metadata": True, "type": "realtime", "keywords": "大事", "group": "民情诉求"}
    fire = next(s for s in services if s["service_code"] == "hazard-01")
    assert (fire["service_name"], fire["group"], fire["metadata"]) == ("消防", "隐患", True)


def test_service_list_in_xml(georeport):
    root = georeport.get("services.xml").xml()
    assert root.tag == "services"
    services = root.findall("service")
    assert len(services) == REQUEST_SERVICES + HAZARD_SERVICES
    road = next(s for s in services if s.findtext("service_code") == "request-road")
    assert [child.tag for child in road] == ["service_code", "service_name", "description", "metadata", "type",
                                             "keywords", "group"]
    assert (road.findtext("service_name"), road.findtext("metadata"), road.findtext("type")) == (
        "道路交通与路灯", "true", "realtime")


def test_hazard_definition_offers_the_severity_list(georeport):
    definition = georeport.get("services/hazard-01.json").json()
    assert definition == {"service_code": "hazard-01", "attributes": [{
        "variable": True, "code": "severity", "datatype": "singlevaluelist", "required": False,
        "datatype_description": None, "order": 1, "description": "隐患等级，默认一般",
        "values": [{"key": "1", "name": "一般"}, {"key": "2", "name": "较大"}, {"key": "3", "name": "重大"}]}]}


def test_request_definition_in_xml_has_the_reporter_and_channel_attributes(georeport):
    root = georeport.get("services/request-road.xml").xml()
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "request-road"
    attributes = root.find("attributes").findall("attribute")
    assert [(a.findtext("code"), a.findtext("datatype"), a.findtext("required"), a.findtext("order"))
            for a in attributes] == [("reporter_name", "string", "false", "1"), ("reporter_phone", "string", "false", "2"),
                                     ("channel", "singlevaluelist", "false", "3")]
    channel = attributes[2]
    assert [(v.findtext("key"), v.findtext("name")) for v in channel.find("values").findall("value")] == [
        ("open311", "Open311"), ("hotline", "12345热线")]


def test_unknown_service_is_a_404_error_document_in_the_asked_format(georeport):
    answer = georeport.get("services/request-nothing.json")
    assert answer.status == 404
    assert answer.json() == [{"code": 404, "description": "没有这个 service_code：request-nothing"}]
    answer = georeport.get("services/request-nothing.xml")
    assert answer.status == 404
    error = answer.xml().find("error")
    assert (error.findtext("code"), error.findtext("description")) == ("404", "没有这个 service_code：request-nothing")


def test_unknown_format_and_unknown_path_are_error_documents(georeport):
    answer = georeport.get("services.csv")
    assert answer.status == 400
    assert answer.xml().find("error").findtext("description") == "不支持的格式 .csv：请用 .json 或 .xml"
    answer = georeport.get("nothing-here.json")
    assert answer.status == 404
    assert answer.json()[0]["code"] == 404
    answer = georeport.post("services.json", {"service_code": "request-road"})
    assert (answer.status, answer.headers["Allow"]) == (405, "GET")
    assert answer.json() == [{"code": 405, "description": "不支持 POST 请求"}]


def test_unknown_jurisdiction_is_a_404(georeport):
    answer = georeport.get("services.json", jurisdiction_id="999999")
    assert answer.status == 404
    assert "999999" in answer.json()[0]["description"]
    assert georeport.get("services.json", jurisdiction_id="321302").status == 200


def test_discovery_points_at_the_v2_endpoint(georeport):
    document = georeport.get("/open311/discovery.json").json()
    endpoint, = document["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    root = georeport.get("/open311/discovery.xml").xml()
    assert [f.text for f in root.find("endpoints").find("endpoint").find("formats")] == ["text/xml", "application/json"]
