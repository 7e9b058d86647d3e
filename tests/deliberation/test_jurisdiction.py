"""A user of another village or town cannot read or change anything here: 404, never 403."""

import pytest

from gridcase.deliberation.models import State

pytestmark = pytest.mark.django_db


@pytest.fixture
def topic(make_topic):
    return make_topic(State.DECIDED)


@pytest.mark.parametrize("username", ["cadre2", "adviser2", "worker2", "leader2", "mediator2"])
def test_outsiders_get_404_on_everything_of_the_village(login, topic, username):
    client = login(username)
    meeting = topic.decision.meeting
    urls = [f"/deliberation/{topic.pk}/", f"/deliberation/{topic.pk}/approve/", f"/deliberation/{topic.pk}/accept/",
            f"/deliberation/meetings/{meeting.pk}/", f"/deliberation/meetings/{meeting.pk}/record.pdf",
            f"/deliberation/meetings/{meeting.pk}/edit/", f"/deliberation/register/{topic.village_code}.pdf",
            f"/deliberation/advisers/{topic.town_code}.pdf"]
    for url in urls:
        assert client.get(url).status_code == 404, url
    version = topic.version
    assert client.post(f"/deliberation/{topic.pk}/approve/", {"version": version, "opinion": "ok"}).status_code == 404
    item = topic.decision
    assert client.post(f"/deliberation/meetings/{meeting.pk}/agenda/{item.pk}/minutes/", {}).status_code == 404
    topic.refresh_from_db()
    assert topic.state == State.DECIDED and topic.version == version


@pytest.mark.parametrize("username", ["cadre2", "adviser2"])
def test_outsiders_do_not_see_the_topic_in_their_lists(login, topic, username):
    client = login(username)
    assert topic.title not in client.get("/deliberation/").content.decode()
    assert topic.title not in client.get("/deliberation/reviews/").content.decode() if username == "adviser2" else True
    assert str(topic.decision.meeting.place) not in client.get("/deliberation/meetings/").content.decode()


@pytest.mark.parametrize("username", ["cadre", "worker", "adviser", "leader", "admin"])
def test_the_village_and_those_above_it_see_the_topic(login, topic, username):
    response = login(username).get(f"/deliberation/{topic.pk}/")
    assert response.status_code == 200 and topic.title in response.content.decode()


def test_the_oversight_group_sees_its_village(client, topic, supervisor):
    client.force_login(supervisor)
    assert client.get(f"/deliberation/{topic.pk}/").status_code == 200


def test_the_adviser_of_the_town_reviews_from_the_queue_and_the_adviser_of_another_town_cannot(login, topic):
    assert topic.title in login("adviser").get("/deliberation/reviews/").content.decode()
    other = login("adviser2")
    assert topic.title not in other.get("/deliberation/reviews/").content.decode()
    assert other.post(f"/deliberation/{topic.pk}/approve/", {"version": topic.version, "opinion": ""}).status_code == 404


def test_a_cadre_of_the_same_town_but_another_village_cannot_act(client, topic, users, village):
    from gridcase.accounts.models import Role, User

    sibling_village = village.parent.children.exclude(pk=village.pk).order_by("code").first()
    sibling = User.objects.create_user(username="sibling", role=Role.VILLAGE_CADRE, area=sibling_village)
    client.force_login(sibling)
    assert client.get(f"/deliberation/{topic.pk}/").status_code == 404
    assert client.get(f"/deliberation/register/{village.code}.pdf").status_code == 404


def test_anonymous_users_are_sent_to_login(client, topic):
    response = client.get(f"/deliberation/{topic.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
