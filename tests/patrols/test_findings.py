"""What a grid worker logs during a patrol — a dispute, a hazard, a resident request — links to it."""

import uuid

import pytest

from gridcase.cases.models import Category
from gridcase.hazards.models import HazardCategory
from gridcase.patrols import selectors
from gridcase.requests.models import RequestCategory
from tests.images import PNG

pytestmark = pytest.mark.django_db


def test_findings_of_every_kind_link_to_the_patrol(start_patrol, login, users, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    patrol = start_patrol()
    point = patrol.grid.geom.point_on_surface
    client = login("worker")
    where = {"lon": point.x, "lat": point.y, "patrol": patrol.pk}

    case = client.post("/cases/new/", {**where, "client_id": uuid.uuid4(), "title": "巡逻中遇到邻里争吵",
                                       "category": Category.objects.get(code="02").pk, "people_involved": 2, "risk": 1,
                                       "source": "grid_worker", "party-TOTAL_FORMS": 0, "party-INITIAL_FORMS": 0})
    hazard = client.post("/hazards/new/", {**where, "client_id": uuid.uuid4(), "title": "电动车楼道充电",
                                           "category": HazardCategory.objects.get(name="消防").pk, "severity": 1,
                                           "responsible_kind": "unit", "photos": [SimpleUploadedFile("a.png", PNG)]})
    request = client.post("/requests/new/", {**where, "client_id": uuid.uuid4(), "channel": "walk",
                                             "received_on": patrol.started_at.date().isoformat(),
                                             "village": users["worker"].area_id, "matter": "路灯坏了三盏",
                                             "category": RequestCategory.objects.first().pk})
    assert [case.status_code, hazard.status_code, request.status_code] == [302, 302, 302], \
        [r.context["form"].errors for r in (case, hazard, request) if r.status_code != 302]

    found = selectors.patrol_findings(user=users["cadre"], patrol=patrol)
    assert [c.title for c in found["cases"]] == ["巡逻中遇到邻里争吵"]
    assert [h.title for h in found["hazards"]] == ["电动车楼道充电"]
    assert [r.matter for r in found["requests"]] == ["路灯坏了三盏"]
    page = login("cadre").get(f"/patrols/{patrol.pk}/").content.decode()
    assert "电动车楼道充电" in page and "路灯坏了三盏" in page


def test_a_patrol_of_another_town_cannot_be_named(start_patrol, login, users):
    theirs = start_patrol(username="worker2")
    point = users["worker"].grids.order_by("code").first().geom.point_on_surface
    response = login("worker").post("/hazards/new/", {
        "lon": point.x, "lat": point.y, "patrol": theirs.pk, "client_id": uuid.uuid4(), "title": "井盖缺失",
        "category": HazardCategory.objects.get(name="消防").pk, "severity": 1, "responsible_kind": "unit"})
    assert response.status_code == 200 and "所选巡逻不存在或不在您的辖区内" in response.content.decode()
    assert not theirs.hazards.exists()
