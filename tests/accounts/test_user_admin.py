"""The user admin: one save sets a person, their role and their jurisdiction, in Chinese, checked."""

import pytest
from django.contrib.auth.models import Permission

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from tests.conftest import GENGCHE, GUHE, TUYUAN

pytestmark = pytest.mark.django_db
PASSWORD = "古河村-网格-2026"


def add(client, **fields):
    data = {"username": "13900000001", "first_name": "王小明", "phone": "13900000001", "role": Role.GRID_WORKER,
            "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD, **fields}
    return client.post("/admin/accounts/user/add/", data)


def grids_of(code, n=2):
    return list(Area.objects.filter(level=Level.GRID, code__startswith=code).order_by("code")[:n])


def errors(response) -> str:
    return "".join(response.context["adminform"].form.errors.get("__all__", []) + [
        f"{k}:{' '.join(v)}" for k, v in response.context["adminform"].form.errors.items()])


def test_the_add_form_creates_a_grid_worker_with_area_and_grids_in_one_save(login):
    guhe = Area.objects.get(code=GUHE)
    grids = grids_of(GUHE)
    response = add(login("admin"), area=guhe.pk, grids=[g.pk for g in grids])

    assert response.status_code == 302, errors(response)
    user = User.objects.get(username="13900000001")
    assert (user.first_name, user.phone, user.role, user.area) == ("王小明", "13900000001", Role.GRID_WORKER, guhe)
    assert set(user.grids.all()) == set(grids)
    assert user.check_password(PASSWORD)


def test_a_county_admin_added_in_one_save_can_enter_the_admin(login):
    county = Area.objects.get(code="321302")
    response = add(login("admin"), role=Role.COUNTY_ADMIN, area=county.pk, username="admin-new", phone="")

    assert response.status_code == 302, errors(response)
    user = User.objects.get(username="admin-new")
    assert user.is_staff and user.has_perm("geodata.add_area")


def test_the_forms_are_chinese_and_offer_no_permission_lists(login, users):
    client = login("admin")
    pages = [client.get("/admin/accounts/user/add/").content.decode(),
             client.get(f"/admin/accounts/user/{users['worker'].pk}/change/").content.decode()]
    for page in pages:
        assert "user_permissions" not in page and "Can add" not in page and "id_groups" not in page
        assert "角色与辖区" in page and "负责网格" in page and "姓名" in page
        assert "is_superuser" not in page  # only a superuser may make one
        # Grids are searched, not picked from a list of every grid of the county.
        assert 'data-field-name="grids"' in page and page.count("<option") < 50
    assert "Last name" not in pages[1] and "last_name" not in pages[1]


@pytest.mark.parametrize("fields, field, message", [
    ({"area": ""}, "area", "网格员须指定辖区"),
    ({"area": "TOWN"}, "area", "网格员的辖区应为村/社区"),
    ({"grids": "OTHER_VILLAGE"}, "grids", "不在所选辖区 古河村 内"),
    ({"grids": []}, "grids", "网格员至少负责一个网格"),
    ({"role": Role.MEDIATOR, "area": "TOWN", "grids": "OWN"}, "grids", "只有网格员负责网格"),
    ({"phone": "12345"}, "phone", "格式不对"),
    ({"phone": "PHONE_OF_WORKER"}, "phone", "已被用户 worker 使用"),
    ({"first_name": ""}, "first_name", "请填写姓名"),
])
def test_a_wrong_jurisdiction_is_refused_in_chinese_on_its_field(login, users, fields, field, message):
    users["worker"].phone = "13900000099"
    users["worker"].save(update_fields=["phone"])
    own = grids_of(GUHE)
    other = Area.objects.filter(level=Level.GRID, code__startswith=TUYUAN).exclude(code__startswith=GUHE).first()
    values = {"area": Area.objects.get(code=GUHE).pk, "grids": [g.pk for g in own]}
    replacements = {"TOWN": Area.objects.get(code=TUYUAN).pk, "OTHER_VILLAGE": [own[0].pk, other.pk],
                    "OWN": [g.pk for g in own], "PHONE_OF_WORKER": "13900000099"}
    values.update({k: replacements.get(v, v) if isinstance(v, str) else v for k, v in fields.items()})
    response = add(login("admin"), **values)

    assert response.status_code == 200
    assert message in " ".join(response.context["adminform"].form.errors.get(field, [])), errors(response)
    assert not User.objects.filter(username="13900000001").exists()


def test_grid_search_finds_grids_by_name_within_the_chosen_area(login):
    client = login("admin")
    guhe = Area.objects.get(code=GUHE)
    params = {"app_label": "accounts", "model_name": "user", "field_name": "grids", "term": "网格"}

    within = client.get("/admin/autocomplete/", {**params, "area": guhe.pk}).json()["results"]
    areas = client.get("/admin/autocomplete/", {**params, "field_name": "area", "term": "古河"}).json()["results"]

    assert within and all(r["text"].endswith("）") and GUHE in r["text"] for r in within)
    assert areas and not any(len(r["text"].split("（")[1]) > 13 for r in areas)  # no grid codes among areas


def test_a_town_staff_member_cannot_give_an_area_outside_their_town(client):
    staff = User.objects.create_user("town-it", password="x-long-password", role=Role.TOWN_LEADER, is_staff=True,
                                     area=Area.objects.get(code=TUYUAN))
    staff.user_permissions.set(Permission.objects.filter(content_type__app_label__in=["accounts", "geodata"]))
    client.force_login(staff)
    village = Area.objects.filter(level=Level.VILLAGE, code__startswith=GENGCHE).first()

    response = add(client, area=village.pk, grids=[g.pk for g in grids_of(village.code)])
    search = client.get("/admin/autocomplete/", {"app_label": "accounts", "model_name": "user",
                                                 "field_name": "grids", "term": "耿车"}).json()["results"]

    assert response.status_code == 200 and "area" in response.context["adminform"].form.errors
    assert search == []
