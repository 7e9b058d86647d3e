"""Photos on a resident request: taken on the phone, checked by content and cleaned of their EXIF
(gridcase.lib.uploads), stored once however often the phone retries, and shown only to those who may
see the request."""

import io
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gridcase.requests import services
from gridcase.requests.models import Channel, Request, RequestPhoto
from tests.images import JPEG, PNG, picture

from .conftest import today

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(name="路灯.png", content=PNG):
    return SimpleUploadedFile(name, content)


def form(users, category, **extra):
    return {"client_id": str(uuid.uuid4()), "channel": Channel.WALK, "received_on": today().isoformat(),
            "village": users["cadre"].area.pk, "category": category.pk, "matter": "村口路灯坏了",
            "reporter_name": "", "contact": "", "lon": "", "lat": "", **extra}


def test_the_page_posted_twice_with_photos_stores_one_request_and_its_photos_once(login, users, category):
    client = login("worker")
    data = form(users, category)
    first = client.post("/requests/new/", {**data, "photos": [photo("一.png"), photo("二.jpg", JPEG)]})
    again = client.post("/requests/new/", {**data, "photos": [photo("一.png"), photo("二.jpg", JPEG)]})

    request = Request.objects.get(client_id=data["client_id"])
    assert first.status_code == again.status_code == 302 and first["Location"] == again["Location"]
    assert sorted(request.photos.values_list("original_name", "content_type")) == [
        ("一.png", "image/png"), ("二.jpg", "image/jpeg")]
    assert RequestPhoto.objects.count() == 2
    assert request.events.get(kind="request.registered").data["photos"] == 2


def test_a_photo_loses_its_gps_position(make_request):
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (33.0, 52.0, 1.5), 3: "E", 4: (118.0, 17.0, 3.2)}  # GPSInfo
    taken = picture("JPEG", exif=exif)
    assert Image.open(io.BytesIO(taken)).getexif().get_ifd(0x8825)  # the phone did write its position
    request = make_request(photos=[photo("带定位.jpg", taken)])
    stored = request.photos.get()
    with stored.file.open("rb") as f, Image.open(io.BytesIO(f.read())) as image:
        assert not image.getexif().get_ifd(0x8825) and image.size == (40, 30)
    assert stored.file.name.endswith(".jpg") and "带定位" not in stored.file.name


def test_what_is_not_a_photo_is_refused_by_name_and_nothing_is_stored(login, users, category):
    client = login("worker")
    data = form(users, category, photos=[photo("好的.png"), photo("病毒.png", b"MZ\x90\x00 not a picture")])
    response = client.post("/requests/new/", data)
    assert response.status_code == 200
    assert "只接受 JPEG、PNG 或 WebP 照片：病毒.png" in response.content.decode()
    assert not Request.objects.exists() and not RequestPhoto.objects.exists()


def test_the_form_asks_the_phone_for_its_back_camera_and_several_photos(login):
    html = login("worker").get("/requests/new/").content.decode()
    assert 'enctype="multipart/form-data"' in html
    [tag] = re.findall(r'<input type="file" name="photos"[^>]*>', html)
    assert {'accept="image/*"', 'capture="environment"', "multiple"} <= set(tag[:-1].split()[3:])


@pytest.mark.parametrize(("username", "status"), [
    ("worker", 200), ("cadre", 200), ("leader", 200),  # the reporter, the village, the town
    ("worker2", 404), ("cadre2", 404), ("leader2", 404),  # another town
])
def test_a_photo_is_served_only_to_those_who_may_see_the_request(make_request, login, username, status):
    request = make_request(photos=[photo()])
    stored = request.photos.get()
    response = login(username).get(f"/requests/{request.pk}/photos/{stored.pk}/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/png" and b"".join(response.streaming_content)[:4] == b"\x89PNG"


def test_a_grid_worker_of_another_grid_of_the_same_village_cannot_open_it(make_request, users, login):
    other_grid = users["cadre"].area.children.exclude(pk__in=users["worker"].grids.all()).first()
    theirs = make_request("cadre", location=other_grid.geom.point_on_surface, photos=[photo()])
    assert login("worker").get(f"/requests/{theirs.pk}/photos/{theirs.photos.get().pk}/").status_code == 404
    assert login("cadre").get(f"/requests/{theirs.pk}/photos/{theirs.photos.get().pk}/").status_code == 200


def test_a_photo_of_another_request_is_not_served_through_this_one(make_request, login):
    mine, other = make_request(photos=[photo()]), make_request(matter="另一件事", photos=[photo()])
    assert login("worker").get(f"/requests/{mine.pk}/photos/{other.photos.get().pk}/").status_code == 404


def test_the_detail_page_shows_the_photos(make_request, login):
    request = make_request(photos=[photo("路灯.png")])
    html = login("cadre").get(f"/requests/{request.pk}/").content.decode()
    assert f'src="/requests/{request.pk}/photos/{request.photos.get().pk}/"' in html


def test_the_service_checks_the_photos_before_writing_anything(make_request):
    with pytest.raises(services.RequestError, match="坏.png"):
        make_request(photos=[photo("坏.png", b"\x89PNG\r\n\x1a\nbroken")])
    assert not Request.objects.exists()
