import pytest
from django.test import RequestFactory

from gridcase.notifications.context_processors import unread
from gridcase.notifications.models import Notification
from gridcase.notifications.selectors import unread_count

pytestmark = pytest.mark.django_db


def give(user, title="纠纷已上报至镇", url="/cases/12/", **fields) -> Notification:
    return Notification.objects.create(recipient=user, kind="case.escalated", title=title, url=url, **fields)


def test_the_inbox_lists_my_notifications_newest_first_with_unread_ones_bold(login, users):
    older = give(users["mediator"], title="旧消息")
    newer = give(users["mediator"], title="新消息")
    give(users["leader"], title="别人的消息")
    Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)

    page = login("mediator").get("/inbox/")

    html = page.content.decode()
    assert page.status_code == 200
    assert [n.pk for n in page.context["page"]] == [newer.pk, older.pk]
    assert "<strong>新消息</strong>" in html and "<strong>旧消息</strong>" not in html and "旧消息" in html
    assert "别人的消息" not in html and "暂无消息" not in html
    assert f'action="/inbox/{newer.pk}/read/"' in html


def test_an_empty_inbox_says_so(login):
    page = login("cadre").get("/inbox/")

    assert page.status_code == 200 and "暂无消息" in page.content.decode()


def test_the_inbox_shows_twenty_a_page(login, users):
    Notification.objects.bulk_create(
        [Notification(recipient=users["mediator"], kind="case.escalated", title=f"消息{i}") for i in range(25)])
    client = login("mediator")

    first, second = client.get("/inbox/"), client.get("/inbox/?page=2")

    assert len(first.context["page"]) == 20 and len(second.context["page"]) == 5
    assert "?page=2" in first.content.decode() and "第 2 / 2 页" in second.content.decode()


def test_reading_a_notification_marks_it_read_and_follows_its_link(login, users):
    notification = give(users["mediator"])

    response = login("mediator").post(f"/inbox/{notification.pk}/read/", {"next": "/inbox/?page=1"})

    notification.refresh_from_db()
    assert response.status_code == 302 and response.url == "/cases/12/"
    assert notification.read_at is not None


def test_reading_again_keeps_the_first_reading_time(login, users):
    notification = give(users["mediator"])
    client = login("mediator")

    client.post(f"/inbox/{notification.pk}/read/")
    notification.refresh_from_db()
    first = notification.read_at
    client.post(f"/inbox/{notification.pk}/read/")

    notification.refresh_from_db()
    assert notification.read_at == first


def test_a_notification_without_a_link_goes_back_to_the_inbox_page_but_never_off_the_site(login, users):
    plain = give(users["mediator"], url="")
    client = login("mediator")

    back = client.post(f"/inbox/{plain.pk}/read/", {"next": "/inbox/?page=2"})
    away = client.post(f"/inbox/{plain.pk}/read/", {"next": "https://evil.example/"})

    assert back.url == "/inbox/?page=2" and away.url == "/inbox/"


@pytest.mark.parametrize("other", ["leader", "admin", "mediator2"])
def test_it_validates_ownership(login, users, other):
    # The same town's leader, the county admin and another town's mediator: none may read it.
    notification = give(users["mediator"])

    response = login(other).post(f"/inbox/{notification.pk}/read/")

    notification.refresh_from_db()
    assert response.status_code == 404 and notification.read_at is None
    assert notification.title not in login(other).get("/inbox/").content.decode()


def test_read_all_marks_only_my_own(login, users):
    mine = [give(users["mediator"]), give(users["mediator"])]
    theirs = give(users["leader"])

    response = login("mediator").post("/inbox/read-all/")

    assert response.status_code == 302 and response.url == "/inbox/"
    assert unread_count(user=users["mediator"]) == 0 and unread_count(user=users["leader"]) == 1
    assert all(Notification.objects.get(pk=n.pk).read_at for n in mine)
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_inbox_needs_a_login_and_marking_needs_a_post(client, login, users):
    notification = give(users["mediator"])

    assert client.get("/inbox/").status_code == 302
    assert client.post(f"/inbox/{notification.pk}/read/").status_code == 302
    assert client.post("/inbox/read-all/").status_code == 302
    mediator = login("mediator")
    assert mediator.get(f"/inbox/{notification.pk}/read/").status_code == 405
    assert mediator.get("/inbox/read-all/").status_code == 405
    assert Notification.objects.get(pk=notification.pk).read_at is None


def test_the_unread_count_is_one_query_for_the_top_bar(users, django_assert_num_queries):
    give(users["mediator"])
    give(users["mediator"])
    read = give(users["mediator"])
    Notification.objects.filter(pk=read.pk).update(read_at=read.created_at)
    give(users["leader"])
    request = RequestFactory().get("/")
    request.user = users["mediator"]

    with django_assert_num_queries(1):
        assert unread(request) == {"unread_notifications": 2}
    assert unread_count(user=users["leader"]) == 1


def test_the_unread_count_is_left_out_for_visitors():
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()

    assert unread(request) == {}


def test_the_admin_shows_notifications_and_deliveries_read_only(client, users):
    from gridcase.accounts.models import User

    root = User.objects.create_superuser("root", password="x")
    notification = give(users["mediator"])
    client.force_login(root)

    assert client.get("/admin/notifications/notification/").status_code == 200
    assert client.get(f"/admin/notifications/notification/{notification.pk}/change/").status_code == 200
    assert client.get("/admin/notifications/delivery/").status_code == 200
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    assert client.get(f"/admin/notifications/notification/{notification.pk}/delete/").status_code == 403
