"""三事分流: a 大事 lands in a town office's queue, a 小事 with the village, a 私事 back with the resident."""

import pytest

from gridcase.notifications.models import Notification
from gridcase.requests import permissions, selectors, services
from gridcase.requests.models import Handling, Kind, Office, State
from gridcase.workdays.selectors import add_working_days

pytestmark = pytest.mark.django_db


def events(request):
    return list(request.events.order_by("at", "id").values_list("kind", "from_state", "to_state"))


def test_a_major_matter_goes_to_the_office_queue_with_the_office_time_limit(make_request, users, infrastructure):
    request = make_request()
    request = services.request_triage(request=request, actor=users["cadre"], kind=Kind.MAJOR, office=infrastructure,
                                      expected_version=request.version)

    assert request.state == State.HANDLING and request.office == infrastructure
    triaged = request.events.get(kind="request.triaged")
    assert request.deadline == add_working_days(triaged.at, infrastructure.time_limit_days)
    assert triaged.data == {"kind": "major", "office": infrastructure.name} and triaged.actor == users["cadre"]
    assert list(selectors.office_queue(user=users["leader"], office=infrastructure)) == [request]
    # The town (no office members configured) is told; the village cadre is not asked to answer it.
    assert Notification.objects.filter(recipient=users["leader"], kind="request.assigned").exists()
    with pytest.raises(services.NotAllowed):
        services.request_reply(request=request, actor=users["cadre"], reply="已报修")
    services.request_reply(request=request, actor=users["leader"], reply="已安排供电所维修")
    assert list(selectors.office_queue(user=users["leader"], office=infrastructure)) == []


def test_office_members_are_told_and_may_answer(make_request, users, infrastructure):
    clerk = users["mediator"]  # a town user who also staffs the office
    infrastructure.members.add(clerk)
    request = make_request()
    services.request_triage(request=request, actor=users["cadre"], kind=Kind.MAJOR, office=infrastructure)

    assert Notification.objects.filter(recipient=clerk, kind="request.assigned").exists()
    assert not Notification.objects.filter(recipient=users["leader"], kind="request.assigned").exists()
    request = services.request_reply(request=request, actor=clerk, reply="已维修")
    assert request.state == State.REPLIED


def test_a_minor_matter_stays_with_the_village_committee(make_request, users):
    request = make_request()
    request = services.request_triage(request=request, actor=users["cadre"], kind=Kind.MINOR)

    assert request.state == State.HANDLING and request.office is None and request.handling == Handling.ONE_BY_ONE
    triaged = request.events.get(kind="request.triaged")
    assert request.deadline == add_working_days(triaged.at, services.VILLAGE_TIME_LIMIT_DAYS)
    assert Notification.objects.filter(recipient=users["cadre"], kind="request.assigned").exists()
    assert any(t.url.endswith(f"/requests/{request.pk}/") for t in selectors.tasks_for(users["cadre"]))
    assert not any(t.url.endswith(f"/requests/{request.pk}/") for t in selectors.tasks_for(users["leader"]))
    request = services.request_reply(request=request, actor=users["cadre"], reply="村里已组织修好")
    request = services.request_close(request=request, actor=users["worker"], satisfaction="satisfied", feedback="很快")
    assert events(request) == [("request.registered", "", "registered"), ("request.triaged", "registered", "handling"),
                               ("request.replied", "handling", "replied"), ("request.closed", "replied", "closed")]


def test_a_minor_matter_can_become_a_deliberation_topic(make_request, users):
    request = make_request(matter="小区停车位不够，车辆乱停堵住消防通道")
    request = services.request_triage(request=request, actor=users["cadre"], kind=Kind.MINOR,
                                      handling=Handling.DELIBERATION)

    # 议事中 only once its topic is registered (tests/deliberation/test_from_request.py); until then the
    # village handles it and is offered the topic form.
    assert request.state == State.HANDLING and request.handling == Handling.DELIBERATION
    assert "deliberate" in [a for a, _label in permissions.allowed_actions(users["cadre"], request)]
    payload = services.request_to_topic_payload(request)
    assert payload["request_id"] == request.pk and payload["title"].startswith("小区停车位不够")
    assert "张建国" not in str(payload) and "13812345678" not in str(payload)


def test_a_one_by_one_matter_can_be_sent_to_deliberation_later(make_request, users):
    request = make_request()
    services.request_triage(request=request, actor=users["cadre"], kind=Kind.MINOR)
    request = services.request_to_deliberation(request=request, actor=users["cadre"], topic_id=42)

    assert request.state == State.DELIBERATING and request.handling == Handling.DELIBERATION
    assert request.events.get(kind="request.to_deliberation").data == {"topic": 42}


def test_a_private_matter_is_answered_with_the_guidance_of_its_category(make_request, users):
    family = services.RequestCategory.objects.get(code="family")
    family.guidance_template = "{{ village }}：关于“{{ matter }}”，请家庭成员协商。"
    family.save()
    request = make_request(category=family, matter="儿子不给老人生活费")
    request = services.request_triage(request=request, actor=users["cadre"], kind=Kind.PRIVATE)

    assert request.state == State.REPLIED and request.deadline is None
    assert request.reply == request.guidance == "古河村：关于“儿子不给老人生活费”，请家庭成员协商。"


def test_a_broken_guidance_template_is_a_clear_error_and_changes_nothing(make_request, users):
    family = services.RequestCategory.objects.get(code="family")
    family.guidance_template = "{% if %}"
    family.save()
    request = make_request(category=family)

    with pytest.raises(services.RequestError, match="引导说明模板有误"):
        services.request_triage(request=request, actor=users["cadre"], kind=Kind.PRIVATE)
    request.refresh_from_db()
    assert request.state == State.REGISTERED and request.events.count() == 1


def test_an_office_of_another_town_is_refused(make_request, users, gengche_office):
    request = make_request()
    with pytest.raises(services.RequestError, match="不是本镇的归口部门"):
        services.request_triage(request=request, actor=users["cadre"], kind=Kind.MAJOR, office=gengche_office)


def test_a_major_matter_needs_an_office(make_request, users):
    with pytest.raises(services.RequestError, match="归口部门"):
        services.request_triage(request=make_request(), actor=users["cadre"], kind=Kind.MAJOR)


@pytest.mark.parametrize("who", ["worker", "adviser"])
def test_only_the_village_and_above_triage(make_request, users, who):
    with pytest.raises(services.NotAllowed, match="无权"):
        services.request_triage(request=make_request(), actor=users[who], kind=Kind.MINOR)


def test_reopening_after_an_unsatisfying_reply_sets_a_new_deadline(make_request, users, infrastructure):
    request = make_request()
    services.request_triage(request=request, actor=users["cadre"], kind=Kind.MAJOR, office=infrastructure)
    services.request_reply(request=request, actor=users["leader"], reply="已报修")
    request = services.request_reopen(request=request, actor=users["worker"], feedback="灯还是不亮")

    assert request.state == State.HANDLING and request.feedback == "灯还是不亮"
    assert request.deadline == add_working_days(request.events.get(kind="request.reopened").at,
                                                infrastructure.time_limit_days)


def test_closing_needs_a_satisfaction(make_request, users):
    request = make_request()
    services.request_triage(request=request, actor=users["cadre"], kind=Kind.PRIVATE)
    with pytest.raises(services.RequestError, match="满意度"):
        services.request_close(request=request, actor=users["cadre"], satisfaction="")
    request = services.request_close(request=request, actor=users["cadre"], satisfaction="fairly")
    assert request.state == State.CLOSED and request.get_satisfaction_display() == "基本满意"


def test_a_refused_action_names_the_state_and_what_is_possible(make_request, users):
    request = make_request()
    with pytest.raises(services.NotAllowed, match="待分流.*现在可以：分流"):
        services.request_close(request=request, actor=users["cadre"], satisfaction="satisfied")


@pytest.fixture
def gengche_office(users):
    return Office.objects.create(code="gc-env", name="耿车镇环境办", town=users["leader2"].area)
