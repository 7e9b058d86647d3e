"""Repeats (多次反映): which pairs are proposed — by category, distance, time and wording — and what
merging keeps."""

import pytest

from gridcase.requests import selectors, services
from gridcase.requests.models import RequestCategory, State

from .conftest import days_ago, offset

pytestmark = pytest.mark.django_db

LAMP = "村口路灯坏了三天，晚上走路看不见"
LAMP_AGAIN = "村口的路灯坏了好几天了，晚上走路看不见"
RUBBISH = "河边垃圾堆了一周没人清运，气味很大"


@pytest.fixture
def world(make_request, users):
    """A hand-made set in 古河村 (registered by its cadre) and one in the neighbouring village."""
    village = users["cadre"].area
    base = village.geom.point_on_surface
    far = offset(base, north=500)
    if not village.geom.covers(far):
        far = offset(base, north=-500)
    assert village.geom.covers(far)
    near = offset(base, east=50)
    assert village.geom.covers(near)
    parking = RequestCategory.objects.get(code="parking")

    def make(matter, at=None, days=40, **kw):
        return make_request("cadre", matter=matter, location=at, received_on=days_ago(days), **kw) if at else \
            make_request("cadre", located=False, matter=matter, received_on=days_ago(days), **kw)

    return {
        "a": make(LAMP, base, days=40),
        "near_similar": make(LAMP_AGAIN, near, days=37),  # 50 m, 3 days, same words: proposed with a
        "far_similar": make(LAMP_AGAIN, far, days=38),  # 500 m: not with a
        "late_similar": make(LAMP_AGAIN, near, days=1),  # 39 days after a: not with a
        "near_other_text": make(RUBBISH, near, days=39),  # different matter: no
        "other_category": make(LAMP_AGAIN, near, days=39, category=parking),  # no
        "unlocated_similar": make(LAMP_AGAIN, days=36),  # no location, same village: proposed
    }


def proposed(user):
    return {frozenset((p.into.pk, p.request.pk)) for p in selectors.merge_proposals(user=user)}


def pair(world, x, y):
    return frozenset((world[x].pk, world[y].pk))


def test_proposals_follow_category_distance_time_and_wording(world, users):
    pairs = proposed(users["cadre"])

    assert pair(world, "a", "near_similar") in pairs
    assert pair(world, "a", "unlocated_similar") in pairs
    assert pair(world, "a", "far_similar") not in pairs
    assert pair(world, "a", "late_similar") not in pairs
    assert pair(world, "a", "near_other_text") not in pairs
    assert pair(world, "a", "other_category") not in pairs
    assert not any(world["other_category"].pk in p for p in pairs)
    assert not any(world["near_other_text"].pk in p for p in pairs)


def test_the_earlier_report_is_the_one_kept(world, users):
    proposal = next(p for p in selectors.merge_proposals(user=users["cadre"])
                    if {p.into.pk, p.request.pk} == {world["a"].pk, world["near_similar"].pk})
    assert proposal.into == world["a"] and 40 <= proposal.metres <= 60 and proposal.similarity >= 0.2


def test_an_outsider_is_proposed_nothing_and_a_dismissed_pair_is_not_proposed_again(world, users):
    assert proposed(users["cadre2"]) == set()
    services.merge_dismiss(first=world["near_similar"], second=world["a"], actor=users["cadre"])
    assert pair(world, "a", "near_similar") not in proposed(users["cadre"])
    assert pair(world, "a", "unlocated_similar") in proposed(users["cadre"])


def test_merging_counts_the_reporters_and_loses_nothing(world, users):
    a, b, c = world["a"], world["near_similar"], world["unlocated_similar"]
    services.request_merge(request=b, into=a, actor=users["cadre"], note="同一路灯")
    target = services.request_merge(request=c, into=a, actor=users["cadre"])

    assert target.reporters_count == 3
    b.refresh_from_db()
    assert b.state == State.MERGED and b.merged_into == a and b.matter == LAMP_AGAIN
    assert b.reporter_name_encrypted and b.reporter_name_masked == "张**"
    assert b.events.filter(kind="request.merged", data__into=a.pk).exists()
    merged_in = list(a.events.filter(kind="request.merged_in").order_by("id").values_list("data", flat=True))
    assert [d["reporters"] for d in merged_in] == [[1, 2], [2, 3]]
    assert set(a.merged_requests.values_list("pk", flat=True)) == {b.pk, c.pk}
    # Once merged, neither is proposed again.
    assert not any(b.pk in p or c.pk in p for p in proposed(users["cadre"]))


def test_a_merged_request_cannot_be_merged_into_or_merged_twice(world, users):
    a, b = world["a"], world["near_similar"]
    services.request_merge(request=b, into=a, actor=users["cadre"])
    with pytest.raises(services.RequestError, match="已合并"):
        services.request_merge(request=world["far_similar"], into=b, actor=users["cadre"])
    with pytest.raises(services.NotAllowed, match="已合并"):
        services.request_merge(request=b, into=world["far_similar"], actor=users["cadre"])


def test_the_proposals_page_merges_on_accept(world, users, login):
    client = login("cadre")
    page = client.get("/requests/repeats/").content.decode()
    assert world["a"].number in page and world["near_similar"].number in page
    response = client.post("/requests/repeats/decide/", {"request": world["near_similar"].pk, "into": world["a"].pk,
                                                         "decision": "merge"})
    assert response.status_code == 302
    world["a"].refresh_from_db()
    assert world["a"].reporters_count == 2


def test_an_outsider_cannot_merge_through_the_page(world, users, login):
    response = login("cadre2").post("/requests/repeats/decide/", {
        "request": world["near_similar"].pk, "into": world["a"].pk, "decision": "merge"})
    assert response.status_code == 404
    world["near_similar"].refresh_from_db()
    assert world["near_similar"].state == State.REGISTERED


def test_a_county_chooses_a_town_before_proposals_are_computed(world, users, login):
    client = login("admin")
    first = client.get("/requests/repeats/").content.decode()
    assert "请先选择乡镇" in first and world["a"].number not in first
    town = world["a"].town_code
    page = client.get("/requests/repeats/", {"town": town}).content.decode()
    assert world["a"].number in page and world["near_similar"].number in page
    assert client.get("/requests/repeats/", {"town": "999999999"}).status_code == 404
    assert login("leader").get("/requests/repeats/", {"town": town}).status_code == 200
