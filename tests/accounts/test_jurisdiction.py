"""Jurisdiction is security: own, sibling and outsider, for every way to read territory."""

import pytest

from geodata.models import Area, KeyArea, Level
from gridcase.accounts.jurisdiction import jurisdiction_codes, scope
from gridcase.accounts.models import Role, User
from tests.conftest import GENGCHE, GUHE, TUYUAN

pytestmark = pytest.mark.django_db


def grid_codes_seen(client, level="grid"):
    response = client.get("/api/geodata/areas/", {"level": level})
    assert response.status_code == 200
    return {f["id"] for f in response.json()["features"]}


def test_a_grid_worker_sees_only_the_grids_they_hold(login, users):
    mine = set(users["worker"].grids.values_list("code", flat=True))

    seen = grid_codes_seen(login("worker"))

    assert len(mine) == 2 and seen == mine
    assert all(code.startswith(GUHE) for code in mine)


def test_a_grid_worker_cannot_read_a_grid_of_another_village_by_code(login):
    other_village_grid = Area.objects.filter(level=Level.GRID, code__startswith=GENGCHE).first()
    unheld_grid_in_my_village = Area.objects.filter(parent__code=GUHE).order_by("code").last()
    client = login("worker")

    assert client.get(f"/api/geodata/areas/{other_village_grid.code}/").status_code == 404
    assert client.get(f"/api/geodata/areas/{unheld_grid_in_my_village.code}/").status_code == 404


def test_a_town_leader_sees_their_town_and_nothing_of_the_neighbouring_town(login):
    tuyuan_grids = set(Area.objects.filter(level=Level.GRID, code__startswith=TUYUAN).values_list("code", flat=True))
    client = login("leader")

    assert grid_codes_seen(client) == tuyuan_grids
    assert grid_codes_seen(client, "town") == {TUYUAN}
    assert client.get(f"/api/geodata/areas/{GENGCHE}/").status_code == 404
    assert login("leader2").get(f"/api/geodata/areas/{TUYUAN}/").status_code == 404


def test_a_village_cadre_sees_their_village_only(login, users):
    seen = grid_codes_seen(login("cadre2"), "village")

    assert seen == {users["cadre2"].area.code}


def test_a_county_admin_sees_the_whole_county(login):
    assert len(grid_codes_seen(login("admin"), "town")) == 18
    assert len(grid_codes_seen(login("admin"), "village")) == 208


def test_key_areas_follow_the_same_rule(login):
    tuyuan = set(KeyArea.objects.filter(area__code__startswith=TUYUAN).values_list("name", flat=True))
    response = login("leader").get("/api/geodata/key-areas/")

    assert tuyuan and {f["properties"]["name"] for f in response.json()["features"]} == tuyuan


def test_a_user_without_a_jurisdiction_sees_nothing_and_gets_an_empty_map(client):
    User.objects.create_user("nobody", password="x-long-password", role=Role.MEDIATOR)
    client.force_login(User.objects.get(username="nobody"))

    assert grid_codes_seen(client) == set()
    page = client.get("/")
    assert page.status_code == 200 and "尚无辖区" in page.content.decode()


def test_anonymous_requests_get_nothing(client):
    anonymous = client.get("/api/geodata/areas/")
    assert anonymous.status_code == 401 and anonymous["WWW-Authenticate"] == "Bearer"
    assert client.get("/").status_code == 302


def test_an_unknown_level_is_a_clear_400(login):
    response = login("leader").get("/api/geodata/areas/", {"level": "province"})
    assert response.status_code == 400 and "层级" in str(response.json()["errors"]["level"])


def test_the_scope_helper_matches_on_any_code_field(users):
    worker = users["worker"]
    assert jurisdiction_codes(worker) == tuple(sorted(worker.grids.values_list("code", flat=True)))
    visible = scope(Area.objects.all(), users["cadre"])
    assert visible.count() == 1 + Area.objects.filter(parent__code=GUHE).count()
    assert scope(User.objects.all(), users["leader2"], "area__code").filter(username="leader").count() == 0


def test_a_deactivated_user_has_no_jurisdiction(users):
    leader = users["leader"]
    leader.is_active = False
    assert jurisdiction_codes(leader) == ()


def test_a_town_staff_user_in_the_admin_sees_and_imports_only_their_town(client, tmp_path):
    from django.contrib.auth.models import Permission

    from tests.geodata.helpers import halves, shape_of, write_geojson

    staff = User.objects.create_user("town-it", password="x-long-password", role=Role.TOWN_LEADER, is_staff=True,
                                     area=Area.objects.get(code=TUYUAN))
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label="geodata"))
    client.force_login(staff)
    gengche = Area.objects.get(code=GENGCHE)

    listing = client.get("/admin/geodata/area/", {"q": "耿车"})
    foreign = client.get(f"/admin/geodata/area/{gengche.pk}/change/")
    village = Area.objects.filter(parent=gengche).first()
    west, east = halves(shape_of(village.code))
    path = write_geojson(tmp_path / "g.geojson", [(f"{village.code}901", "甲", west), (f"{village.code}902", "乙", east)])
    with open(path, "rb") as f:
        upload = client.post("/admin/geodata/area/import/", {
            "file": f, "level": "grid", "code_field": "code", "name_field": "name", "dry_run": "",
        })

    assert listing.status_code == 200 and "耿车镇" not in listing.content.decode()
    assert foreign.status_code == 302  # the admin treats an object outside the queryset as missing
    assert upload.status_code == 200 and "不在您的辖区内" in upload.content.decode()
    assert not Area.objects.filter(code__startswith=f"{village.code}9").exists()
