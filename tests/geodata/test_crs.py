import pytest

from geodata import crs

# Published reference values of the GCJ-02/BD-09 formulas (as in the coordtransform libraries).
KNOWN = [
    (crs.wgs84_to_gcj02, (128.543, 37.065), (128.54820547949757, 37.065651049489816)),
    (crs.gcj02_to_bd09, (116.404, 39.915), (116.41036949371029, 39.92133699351021)),
]


@pytest.mark.parametrize(("convert", "given", "expected"), KNOWN)
def test_it_matches_published_values(convert, given, expected):
    assert convert(*given) == pytest.approx(expected, abs=1e-9)


def test_the_bd09_inverse_is_closer_than_the_published_one_step_approximation():
    # The one-step formula gives (116.39762729, 39.90865674); iterating is exact to 1e-10°.
    lon, lat = crs.bd09_to_gcj02(116.404, 39.915)
    assert (lon, lat) == pytest.approx((116.39762729119315, 39.90865673957631), abs=2e-6)
    assert crs.gcj02_to_bd09(lon, lat) == pytest.approx((116.404, 39.915), abs=1e-10)


def test_gcj02_offset_at_suchang_is_about_half_a_kilometre():
    # shared/data/SOURCES.md: at the district centroid GCJ-02 − WGS-84 ≈ +0.0056° lon, −0.0013° lat.
    lon, lat = crs.gcj02_to_wgs84(118.32937, 33.80374)
    assert 118.32937 - lon == pytest.approx(0.0056, abs=0.0001)
    assert 33.80374 - lat == pytest.approx(-0.0013, abs=0.0001)


@pytest.mark.parametrize("lon", [74.0, 98.5, 118.3, 121.47, 134.0])
@pytest.mark.parametrize("lat", [18.2, 30.0, 33.8, 45.7, 53.0])
def test_round_trips_within_a_millimetre(lon, lat):
    back = crs.gcj02_to_wgs84(*crs.wgs84_to_gcj02(lon, lat))
    assert back == pytest.approx((lon, lat), abs=1e-8)  # 1e-8° ≈ 1 mm
    back = crs.bd09_to_wgs84(*crs.wgs84_to_bd09(lon, lat))
    assert back == pytest.approx((lon, lat), abs=1e-8)


def test_points_outside_china_are_not_shifted():
    assert crs.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert crs.gcj02_to_wgs84(-74.0, 40.7) == (-74.0, 40.7)
