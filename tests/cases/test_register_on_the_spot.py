"""Logging a dispute on the spot: the point comes from the map (never typed), the form asks only what
a worker knows there — category, a sentence, people, photos — the title is derived when left empty,
and photos taken at registration are stored with the case, once, however often the phone retries."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gridcase.cases import services
from gridcase.cases.models import Attachment, Case
from tests.images import JPEG, PNG

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def on_the_spot(point, **extra):
    """Only what the short form shows; the optional part keeps its defaults."""
    return {"client_id": str(uuid.uuid4()), "lon": point.x, "lat": point.y, "category": category_pk("02"),
            "narrative": "两户因排水沟堵塞争吵。已劝开", "people_involved": 2, "title": "", "amount": "", "risk": 1,
            "source": "grid_worker", "party-TOTAL_FORMS": 2, "party-INITIAL_FORMS": 0,
            "party-0-role": "applicant", "party-1-role": "respondent", **extra}


def category_pk(code):
    from gridcase.cases.models import Category

    return Category.objects.get(code=code).pk


@pytest.fixture
def point(users):
    return users["worker"].grids.order_by("code").first().geom.point_on_surface


def test_a_title_left_empty_is_the_first_sentence_of_the_narrative(neighbours):
    assert services.title_from(category=neighbours, narrative="两户因排水沟堵塞争吵。已劝开") == "两户因排水沟堵塞争吵"
    assert services.title_from(category=neighbours, narrative="  \n") == "邻里纠纷"
    long = services.title_from(category=neighbours, narrative="甲" * 80)
    assert len(long) == services.TITLE_LENGTH and long.endswith("…")


def test_a_dispute_logged_with_a_category_a_sentence_and_two_photos(login, users, point):
    photos = [SimpleUploadedFile("现场1.png", PNG), SimpleUploadedFile("现场2.jpg", JPEG)]
    response = login("worker").post("/cases/new/", {**on_the_spot(point), "photos": photos})

    case = Case.objects.get(narrative="两户因排水沟堵塞争吵。已劝开")
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    assert case.title == "两户因排水沟堵塞争吵" and case.parties.count() == 0
    assert sorted(case.attachments.values_list("kind", "content_type")) == [
        (Attachment.Kind.PHOTO, "image/jpeg"), (Attachment.Kind.PHOTO, "image/png")]
    assert case.events.get(kind="case.registered").data["photos"] == 2
    page = login("worker").get(f"/cases/{case.pk}/").content.decode()
    assert page.count('<img src="/cases/') == 2  # the case page shows them


def test_a_retried_submission_stores_its_photos_once(login, point):
    client = login("worker")
    form = on_the_spot(point)
    for _ in range(2):
        client.post("/cases/new/", {**form, "photos": [SimpleUploadedFile("现场.png", PNG)]})

    case = Case.objects.get(client_id=form["client_id"])
    assert case.attachments.count() == 1


def test_a_photo_that_is_not_one_refuses_the_registration_and_keeps_what_was_typed(login, point):
    page = login("worker").post("/cases/new/", {**on_the_spot(point), "photos": [SimpleUploadedFile("p.png", b"no")]})

    html = page.content.decode()
    assert page.status_code == 200 and "只接受" in html and "p.png" in html
    assert "两户因排水沟堵塞争吵。已劝开" in html
    assert not Case.objects.exists() and not Attachment.objects.exists()


def test_without_a_point_the_worker_is_asked_to_tap_the_map(login, point):
    page = login("worker").post("/cases/new/", on_the_spot(point, lon="", lat=""))

    html = page.content.decode()
    assert page.status_code == 200 and "请在地图上点选纠纷发生的位置" in html
    assert "两户因排水沟堵塞争吵。已劝开" in html and not Case.objects.exists()


def test_without_a_title_or_a_sentence_the_worker_is_asked_for_a_sentence(login, point):
    page = login("worker").post("/cases/new/", on_the_spot(point, narrative=""))

    assert "请用一句话写明发生了什么" in page.content.decode() and not Case.objects.exists()


def test_the_point_tapped_on_the_map_arrives_with_the_form_and_no_coordinates_are_asked(login, point):
    html = login("worker").get(f"/cases/new/?lon={point.x}&lat={point.y}").content.decode()

    assert f'name="lon" value="{point.x}"' in html and f'name="lat" value="{point.y}"' in html
    assert 'type="hidden" name="lon"' in html and "经度" not in html
    assert 'capture="environment"' in html and 'name="photos"' in html
    junk = login("worker").get("/cases/new/?lon=abc&lat=1e999").content.decode()
    assert 'name="lon" id="id_lon"' in junk  # no value: nothing made up


def test_the_later_upload_opens_the_camera_and_takes_several_photos(login, make_case):
    case = make_case()
    client = login("worker")

    assert 'capture="environment"' in client.get(f"/cases/{case.pk}/attach/").content.decode()
    response = client.post(f"/cases/{case.pk}/attach/", {
        "kind": "photo", "photos": [SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.jpg", JPEG)]})
    assert response.status_code == 302 and case.attachments.count() == 2
    assert case.events.filter(kind="case.attachment_added").count() == 2


def test_an_upload_with_nothing_chosen_says_so(login, make_case):
    case = make_case()
    page = login("worker").post(f"/cases/{case.pk}/attach/", {"kind": "photo"})

    assert page.status_code == 200 and "请拍照或选择要上传的文件" in page.content.decode()
