import pytest

from gridcase.accounts.demo import DEMO_PASSWORD
from tests.conftest import TUYUAN

pytestmark = pytest.mark.django_db


def test_login_lands_on_the_map_and_a_wrong_password_says_so(client):
    wrong = client.post("/accounts/login/", {"username": "leader", "password": "guess"})
    right = client.post("/accounts/login/", {"username": "leader", "password": DEMO_PASSWORD})

    assert wrong.status_code == 200 and "用户名或密码不正确" in wrong.content.decode()
    assert right.status_code == 302 and right.url == "/"


def test_each_request_reads_the_user_with_their_area_in_one_statement(client, django_assert_num_queries):
    """The jurisdiction of every request starts from user.area: read with the user, without its outline."""
    client.post("/accounts/login/", {"username": "leader", "password": DEMO_PASSWORD})
    response = client.get("/")
    user = response.wsgi_request.user
    with django_assert_num_queries(0):
        assert user.area.code == TUYUAN
    assert "geom" in user.area.get_deferred_fields()


def test_logout_is_a_post_and_ends_the_session(login):
    client = login("leader")

    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_password_change_checks_the_old_password_and_the_rules(login, users):
    client = login("cadre")

    weak = client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": "123",
                                               "new_password2": "123"})
    good = client.post("/accounts/password/", {"old_password": DEMO_PASSWORD, "new_password1": "古河村-调解-2026",
                                               "new_password2": "古河村-调解-2026"})

    assert weak.status_code == 200 and "new_password2" in weak.context["form"].errors
    assert good.status_code == 302
    users["cadre"].refresh_from_db()
    assert users["cadre"].check_password("古河村-调解-2026")


def test_the_admin_edits_areas_on_an_offline_leaflet_widget(login):
    from geodata.models import Area

    page = login("admin").get(f"/admin/geodata/area/{Area.objects.get(code='321302112210').pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200 and "leaflet" in html.lower()
    assert "tile.openstreetmap" not in html and "cdn" not in html.lower()
