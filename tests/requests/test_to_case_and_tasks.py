"""A request that is a dispute becomes a mediation case; the task list and the pages."""

import pytest

from gridcase.cases.models import Case, Category
from gridcase.requests import selectors, services
from gridcase.requests.models import Kind, State

pytestmark = pytest.mark.django_db


def test_a_request_becomes_a_mediation_case_linked_both_ways(make_request, users):
    request = make_request(matter="邻居家排水沟堵塞，污水流进我家院子")
    neighbours = Category.objects.get(code="02")
    case = services.request_to_case(request=request, actor=users["cadre"], title="排水沟纠纷", category=neighbours)

    request.refresh_from_db()
    assert request.state == State.MEDIATION and request.case == case and list(case.requests.all()) == [request]
    assert case.narrative == request.matter and case.location == request.location
    party = case.parties.get()
    assert party.name == "张建国" and party.phone_masked == "138****5678"
    assert request.events.get(kind="request.to_case").data == {"case": case.pk, "number": case.number}
    with pytest.raises(services.NotAllowed):
        services.request_to_case(request=request, actor=users["cadre"], title="再转一次", category=neighbours)
    assert Case.objects.count() == 1


def test_a_request_without_a_place_needs_one_to_become_a_case(make_request, users):
    request = make_request("cadre", located=False)
    neighbours = Category.objects.get(code="02")
    with pytest.raises(services.RequestError, match="需要纠纷发生位置"):
        services.request_to_case(request=request, actor=users["cadre"], title="纠纷", category=neighbours)
    place = users["worker"].grids.first().geom.point_on_surface
    case = services.request_to_case(request=request, actor=users["cadre"], title="纠纷", category=neighbours,
                                    location=place)
    assert case.location == place


def test_the_task_list_has_what_each_person_must_do(make_request, users, infrastructure):
    untriaged = make_request()
    major = services.request_triage(request=make_request(), actor=users["cadre"], kind=Kind.MAJOR, office=infrastructure)
    replied = services.request_triage(request=make_request(), actor=users["cadre"], kind=Kind.PRIVATE)

    def urls(user):
        return {t.url for t in selectors.tasks_for(user)}

    def url(r):
        return f"/requests/{r.pk}/"

    assert urls(users["cadre"]) == {url(untriaged), url(replied)}
    assert urls(users["leader"]) == {url(major)}
    assert urls(users["worker"]) == {url(replied)}
    assert urls(users["leader2"]) == urls(users["cadre2"]) == set()
    task = next(t for t in selectors.tasks_for(users["leader"]))
    assert task.deadline == major.deadline and task.overdue is False and "办理中" in task.title


@pytest.mark.parametrize("path", ["/requests/", "/requests/new/", "/requests/offices/", "/requests/repeats/",
                                  "/requests/lists/", "/requests/wechat/"])
def test_the_pages_open_with_their_empty_states(login, path):
    for who in ("worker", "cadre", "leader", "admin"):
        assert login(who).get(path).status_code == 200, (who, path)


def test_the_detail_page_offers_the_next_actions(make_request, login):
    request = make_request()
    html = login("cadre").get(f"/requests/{request.pk}/").content.decode()
    assert f"/requests/{request.pk}/triage/" in html and "时间线" in html and "登记" in html
    worker = login("worker").get(f"/requests/{request.pk}/").content.decode()
    assert f"/requests/{request.pk}/triage/" not in worker


def test_triage_through_the_page(make_request, login, infrastructure):
    request = make_request()
    client = login("cadre")
    form = client.get(f"/requests/{request.pk}/triage/").content.decode()
    assert "基础设施" in form  # the category's usual office is offered
    response = client.post(f"/requests/{request.pk}/triage/", {"version": request.version, "kind": "major",
                                                                "office": infrastructure.pk})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.office == infrastructure and request.state == State.HANDLING


def test_the_office_answers_from_its_queue_and_returns_to_it(make_request, users, login, infrastructure):
    request = services.request_triage(request=make_request(), actor=users["cadre"], kind=Kind.MAJOR,
                                      office=infrastructure)
    client = login("leader")
    queue = f"/requests/offices/{infrastructure.pk}/"
    assert f'action="/requests/{request.pk}/reply/"' in client.get(queue).content.decode()
    response = client.post(f"/requests/{request.pk}/reply/", {"version": request.version, "reply": "已维修",
                                                               "next": queue})
    assert response.status_code == 302 and response["Location"] == queue
    request.refresh_from_db()
    assert request.state == State.REPLIED and request.reply == "已维修"
    evil = client.post(f"/requests/{request.pk}/close/", {"version": request.version, "satisfaction": "satisfied",
                                                           "next": "https://evil.example/"})
    assert evil["Location"] == f"/requests/{request.pk}/"
