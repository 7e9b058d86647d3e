"""Crossing between GeoDjango's GEOS geometries (models, database) and shapely (validation, geometry work)."""

import shapely
from django.contrib.gis.geos import GEOSGeometry


def to_shapely(geom: GEOSGeometry):
    return shapely.from_wkb(bytes(geom.wkb))


def to_geos(shape, srid: int = 4326) -> GEOSGeometry:
    return GEOSGeometry(memoryview(shapely.to_wkb(shape)), srid=srid)


def map_coords(shape, fn):
    """`shape` with fn(lon, lat) -> (lon, lat) applied to every vertex (for datum shifts PROJ does not know)."""

    def apply(coords):
        for row in coords:
            row[0], row[1] = fn(row[0], row[1])
        return coords

    return shapely.transform(shape, apply)
