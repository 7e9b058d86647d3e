import json
import subprocess
import zipfile

import shapely
from shapely.geometry import box, mapping

from geodata.models import Area
from geodata.shapes import to_shapely


def shape_of(code: str):
    return to_shapely(Area.objects.get(code=code).geom)


def halves(shape):
    """`shape` cut into a west and an east half."""
    west, south, east, north = shape.bounds
    middle = (west + east) / 2
    return shape.intersection(box(west, south, middle, north)), shape.intersection(box(middle, south, east, north))


def write_geojson(path, features, crs: str | None = None, raw_geometry: dict | None = None):
    """features: (code, name, shapely geometry or None[, extra properties]) tuples."""
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name, **(rest[0] if rest else {})},
         "geometry": mapping(geom) if geom is not None else raw_geometry}
        for code, name, geom, *rest in features
    ]}
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    path.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return str(path)


def write_zipped_shapefile(folder, geojson_path: str) -> str:
    """A zipped Shapefile made from a GeoJSON file with Debian's ogr2ogr."""
    shp = folder / "grids.shp"
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", str(shp), geojson_path], check=True)
    archive = folder / "grids.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for part in folder.glob("grids.*"):
            if part.suffix != ".zip":
                z.write(part, part.name)
    return str(archive)


def shifted(shape, dlon: float, dlat: float = 0.0):
    return shapely.affinity.translate(shape, dlon, dlat)
