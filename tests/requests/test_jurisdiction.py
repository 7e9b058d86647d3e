"""A village or town cannot read or change another's requests, queues or lists: 404, never 403."""

import re

import pytest

from gridcase.requests import lists, selectors, services
from gridcase.requests.models import Kind, Office, State

from .conftest import today

pytestmark = pytest.mark.django_db


def listed(client, **params) -> set[str]:
    html = client.get("/requests/", params).content.decode()
    return set(re.findall(r'<td><a href="/requests/\d+/">([^<]+)</a></td>', html))


@pytest.fixture
def guhe(make_request):
    return make_request()  # 古河村, 屠园镇


@pytest.mark.parametrize("outsider", ["cadre2", "worker2", "leader2", "mediator2"])
def test_an_outsider_cannot_see_or_touch_the_request(login, guhe, outsider):
    client = login(outsider)
    assert guhe.number not in listed(client) and guhe.number not in listed(client, q=guhe.number)
    assert client.get(f"/requests/{guhe.pk}/").status_code == 404
    assert client.get(f"/requests/{guhe.pk}/triage/").status_code == 404
    assert client.post(f"/requests/{guhe.pk}/triage/", {"version": 1, "kind": "minor"}).status_code == 404
    guhe.refresh_from_db()
    assert guhe.state == State.REGISTERED


def test_the_village_town_and_county_see_it(login, guhe):
    for insider in ("worker", "cadre", "mediator", "leader", "adviser", "admin"):
        client = login(insider)
        assert guhe.number in listed(client), insider
        assert client.get(f"/requests/{guhe.pk}/").status_code == 200, insider


def test_a_grid_worker_does_not_see_the_other_grids_of_the_village(make_request, users, login):
    other_grid = users["cadre"].area.children.exclude(pk__in=users["worker"].grids.all()).first()
    theirs = make_request("cadre", location=other_grid.geom.point_on_surface)
    assert login("worker").get(f"/requests/{theirs.pk}/").status_code == 404


def test_an_office_of_another_town_cannot_be_opened(login, users):
    gengche = Office.objects.create(code="gc-env", name="耿车镇环境办", town=users["leader2"].area)
    assert login("leader").get(f"/requests/offices/{gengche.pk}/").status_code == 404
    assert login("leader2").get(f"/requests/offices/{gengche.pk}/").status_code == 200
    assert "耿车镇环境办" not in login("leader").get("/requests/offices/").content.decode()


def test_a_shared_office_queue_shows_each_town_its_own(login, users, guhe, infrastructure):
    services.request_triage(request=guhe, actor=users["cadre"], kind=Kind.MAJOR, office=infrastructure)
    assert guhe.number in login("leader").get(f"/requests/offices/{infrastructure.pk}/").content.decode()
    other = login("leader2").get(f"/requests/offices/{infrastructure.pk}/")
    assert other.status_code == 200 and guhe.number not in other.content.decode()
    assert list(selectors.office_queue(user=users["leader2"], office=infrastructure)) == []


def test_a_village_cadre_cannot_open_office_queues(login, infrastructure):
    assert login("cadre").get(f"/requests/offices/{infrastructure.pk}/").status_code == 404


def test_an_office_member_of_another_town_cannot_answer(users, guhe, infrastructure):
    infrastructure.members.add(users["mediator2"])
    services.request_triage(request=guhe, actor=users["cadre"], kind=Kind.MAJOR, office=infrastructure)
    with pytest.raises(services.NotAllowed):
        services.request_reply(request=guhe, actor=users["mediator2"], reply="越权答复")


def test_another_villages_list_is_404(login, users):
    made = lists.three_list_generate(village=users["cadre"].area, year=today().year,
                                     quarter=(today().month - 1) // 3 + 1, actor=users["cadre"])
    assert login("cadre2").get(f"/requests/lists/{made.pk}/").status_code == 404
    assert login("cadre2").get(f"/requests/lists/{made.pk}.xlsx").status_code == 404
    assert login("leader").get(f"/requests/lists/{made.pk}/").status_code == 200


def test_the_map_layer_is_scoped(client, login, guhe):
    w, s, e, n = guhe.village.geom.extent
    bbox = f"{w},{s},{e},{n}"
    mine = login("worker").get("/requests/points/", {"bbox": bbox}).json()
    assert [f["properties"]["number"] for f in mine["features"]] == [guhe.number]
    assert login("worker2").get("/requests/points/", {"bbox": bbox}).json()["features"] == []
    assert login("worker").get("/requests/points/", {"bbox": "nonsense"}).status_code == 400
