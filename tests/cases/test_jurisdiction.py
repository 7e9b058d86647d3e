"""Village A cannot read or act on village B's cases: not by list, not by id, not by action URL."""

import pytest

from gridcase.cases import services
from gridcase.cases.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def guhe_case(make_case):
    return make_case()  # 古河村, 屠园镇


def listed(client, **params) -> str:
    """The case links on the list page (not the search box, which echoes the query)."""
    import re

    html = client.get("/cases/", params).content.decode()
    return " ".join(re.findall(r'<td><a href="/cases/\d+/">([^<]+)</a></td>', html))


@pytest.mark.parametrize("outsider", ["cadre2", "worker2", "leader2", "mediator2"])
def test_an_outsider_cannot_see_or_touch_the_case(login, guhe_case, outsider):
    client = login(outsider)

    assert guhe_case.number not in listed(client)
    assert guhe_case.number not in listed(client, q=guhe_case.number)
    assert client.get(f"/cases/{guhe_case.pk}/").status_code == 404
    assert client.get(f"/cases/{guhe_case.pk}/accept/").status_code == 404
    assert client.post(f"/cases/{guhe_case.pk}/accept/", {"version": guhe_case.version}).status_code == 404
    guhe_case.refresh_from_db()
    assert guhe_case.state == State.REGISTERED


def test_a_grid_worker_sees_the_cases_of_their_grids_only(login, make_case, users):
    mine = make_case()
    village_grids = users["cadre"].area.children.exclude(pk__in=users["worker"].grids.all())
    other_grid = village_grids.first()
    theirs = services.case_register(actor=users["cadre"], title="本村其他网格的纠纷", category=mine.category,
                                    location=other_grid.geom.point_on_surface)
    client = login("worker")

    assert mine.number in listed(client) and theirs.number not in listed(client)
    assert client.get(f"/cases/{theirs.pk}/").status_code == 404


def test_the_village_town_and_county_see_it(login, guhe_case):
    for insider in ("worker", "cadre", "mediator", "leader", "adviser", "admin"):
        client = login(insider)
        assert guhe_case.number in listed(client), insider
        assert client.get(f"/cases/{guhe_case.pk}/").status_code == 200, insider


def test_a_point_outside_my_jurisdiction_is_refused_and_names_where_it_is(make_case, users):
    elsewhere = users["worker2"].grids.first()

    with pytest.raises(services.CaseError, match=f"不在您的辖区内.*{elsewhere.code}"):
        make_case(location=elsewhere.geom.point_on_surface)


def test_nonsense_ids_are_404(login):
    client = login("leader")
    assert client.get("/cases/999999/").status_code == 404
    assert client.get("/cases/1/launch-missiles/").status_code == 404
