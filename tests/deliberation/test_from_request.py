"""三事分流 → 援法议事: a 小事 triaged 转援法议事 leads the cadre to the topic form filled in from the
request, and registering the topic links the two; what would be refused is not offered."""

import pytest
from django.urls import reverse

from gridcase.deliberation import services
from gridcase.deliberation.models import Source, Topic
from gridcase.requests import permissions as request_permissions
from gridcase.requests import services as request_services
from gridcase.requests.models import Handling, Kind, Office
from gridcase.requests.models import State as RequestState
from tests.requests.conftest import category, make_request  # noqa: F401

pytestmark = pytest.mark.django_db


def _actions(user, request) -> list[str]:
    return [action for action, _label in request_permissions.allowed_actions(user, request)]


def test_the_cadre_goes_from_the_triage_to_a_registered_topic_linked_to_the_request(make_request, login, item):  # noqa: F811
    request = make_request(matter="小区停车位不够，车辆乱停堵住消防通道\n三号楼前尤其严重")
    client = login("cadre")

    triaged = client.post(reverse("requests:action", args=[request.pk, "triage"]), {
        "version": request.version, "kind": Kind.MINOR, "handling": Handling.DELIBERATION, "note": ""})
    form_url = f"{reverse('deliberation:propose')}?request={request.number}"
    assert triaged.status_code == 302 and triaged.url == form_url
    request.refresh_from_db()
    assert (request.state, request.handling) == (RequestState.HANDLING, Handling.DELIBERATION)

    form = client.get(form_url).context["form"]
    assert form.initial["title"] == "小区停车位不够，车辆乱停堵住消防通道"
    assert form.initial["source"] == Source.REQUEST and form.initial["village"] == request.village
    assert "张建国" not in str(form.initial)

    posted = client.post(form_url, {**{k: v for k, v in form.initial.items() if k != "village"},
                                    "village": request.village.pk, "list_item": item.pk, "client_id": form["client_id"].value(),
                                    "place": "", "proposer_name": "", "proposer_phone": "", "case_number": ""})
    topic = Topic.objects.get(request=request)
    assert posted.status_code == 302 and posted.url == reverse("deliberation:detail", args=[topic.pk])
    request.refresh_from_db()
    assert request.state == RequestState.DELIBERATING
    assert request.events.get(kind="request.to_deliberation").data == {"topic": topic.pk}
    assert "deliberate" not in _actions(request.registered_by, request)
    page = client.get(reverse("requests:detail", args=[request.pk])).content.decode()
    assert reverse("deliberation:detail", args=[topic.pk]) in page and "转援法议事</a>" not in page


def test_a_major_request_is_not_offered_deliberation_and_its_topic_says_why(make_request, login, users, item):  # noqa: F811
    request = make_request()
    office = Office.objects.filter(town__isnull=True).first()
    request = request_services.request_triage(request=request, actor=users["cadre"], kind=Kind.MAJOR, office=office)
    assert "deliberate" not in _actions(users["cadre"], request)

    refused = login("cadre").get(reverse("requests:action", args=[request.pk, "deliberate"]), follow=True)
    assert "只有分流为小事的诉求可以转援法议事" in refused.content.decode()
    with pytest.raises(services.DeliberationError, match="只有分流为小事的诉求可以转援法议事"):
        services.topic_propose(actor=users["cadre"], village=request.village, title="修路", list_item=item,
                               source=Source.REQUEST, request=request)
    assert not Topic.objects.filter(request=request).exists()


def test_a_request_becomes_one_topic_only(make_request, users, item):  # noqa: F811
    request = request_services.request_triage(request=make_request(), actor=users["cadre"], kind=Kind.MINOR)
    first = services.topic_propose(actor=users["cadre"], village=request.village, title="修路灯", list_item=item,
                                   source=Source.REQUEST, request=request)
    with pytest.raises(services.DeliberationError, match="已转为援法议事议题「修路灯」"):
        services.topic_propose(actor=users["cadre"], village=request.village, title="再修路灯", list_item=item,
                               source=Source.REQUEST, request=request)
    assert list(Topic.objects.filter(request=request)) == [first]


def test_a_request_left_in_deliberation_without_a_topic_can_still_get_one(make_request, users, item):  # noqa: F811
    """Requests triaged 转援法议事 before the topic was linked sat 议事中 with none: they are offered it."""
    request = request_services.request_triage(request=make_request(), actor=users["cadre"], kind=Kind.MINOR)
    request.state = RequestState.DELIBERATING  # as the old triage left it
    request.save(update_fields=["state"])
    assert "deliberate" in _actions(users["cadre"], request)
    topic = services.topic_propose(actor=users["cadre"], village=request.village, title="修路灯", list_item=item,
                                   source=Source.REQUEST, request=request)
    assert topic.request == request
