"""Reporting a hazard from a phone: at a point of one's own grids, once per submission, photos checked."""

import uuid

import pytest
from django.contrib.gis.geos import Point

from geodata.models import Area, Level
from gridcase.hazards import services
from gridcase.hazards.models import Hazard, HazardPhoto
from tests.hazards.conftest import photo

pytestmark = pytest.mark.django_db


def test_a_repeated_client_id_returns_the_same_hazard(make_hazard):
    client_id = uuid.uuid4()
    first = make_hazard(client_id=client_id, photos=[photo()])
    again = make_hazard(client_id=client_id, photos=[photo()])

    assert again.pk == first.pk
    assert Hazard.objects.filter(client_id=client_id).count() == 1
    assert HazardPhoto.objects.filter(hazard=first).count() == 1


def test_another_user_cannot_reuse_a_client_id(make_hazard):
    client_id = uuid.uuid4()
    make_hazard(client_id=client_id)
    with pytest.raises(services.HazardError, match="提交编号已被其他用户使用"):
        make_hazard(username="cadre", client_id=client_id, location=Hazard.objects.get().location)


def test_a_point_outside_the_jurisdiction_is_refused_naming_its_grid(make_hazard, users):
    elsewhere = Area.objects.filter(level=Level.GRID, code__startswith="321302101").order_by("code").first()

    with pytest.raises(services.HazardError) as refused:
        make_hazard(location=elsewhere.geom.point_on_surface)

    assert "不在您的辖区内" in str(refused.value) and elsewhere.name in str(refused.value)
    assert elsewhere.code in str(refused.value)
    assert not Hazard.objects.exists()


def test_a_point_outside_every_grid_is_refused(make_hazard):
    with pytest.raises(services.HazardError, match="不在任何网格内"):
        make_hazard(location=Point(100.0, 30.0, srid=4326))


def test_the_location_fills_in_grid_village_town_and_county(make_hazard, users):
    hazard = make_hazard()
    grid = users["worker"].grids.order_by("code").first()

    assert (hazard.grid, hazard.area_code, hazard.village_code, hazard.town_code, hazard.county_code) == (
        grid, grid.code, grid.code[:12], grid.code[:9], grid.code[:6])


def test_a_non_image_is_refused_and_nothing_is_reported(make_hazard):
    with pytest.raises(services.HazardError, match="只接受 JPEG、PNG 或 WebP"):
        make_hazard(photos=[photo("现场.jpg", b"%PDF-1.7 not a photo")])
    assert not Hazard.objects.exists()


def test_a_photo_over_the_limit_is_refused(make_hazard, settings):
    settings.HAZARD_PHOTO_MAX_BYTES = 20
    with pytest.raises(services.HazardError, match="照片过大"):
        make_hazard(photos=[photo()])


def test_photos_are_stored_under_new_names(make_hazard, users):
    hazard = make_hazard()
    stored = services.hazard_add_photo(hazard=hazard, actor=users["worker"], upload=photo("../../etc/passwd.png"))

    assert stored.original_name == "passwd.png"
    assert stored.file.name.startswith("hazards/") and ".." not in stored.file.name
    assert hazard.events.filter(kind="hazard.photo_added").count() == 1


def test_the_numbers_run_per_town_and_year(make_hazard):
    numbers = [make_hazard().number for _ in range(3)]
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000003"]


def test_an_unknown_severity_is_a_clear_error(make_hazard):
    with pytest.raises(services.HazardError, match="9"):
        make_hazard(severity=9)
    assert not Hazard.objects.exists()
