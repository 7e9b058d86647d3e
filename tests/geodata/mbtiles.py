"""A small raster MBTiles file built with sqlite3, as a county's offline basemap would be."""

import io
import math
import sqlite3
from pathlib import Path

from PIL import Image, ImageDraw


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile (web mercator) holding a point."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tile_png(z: int, x: int, y: int) -> bytes:
    """A pale tile with a frame and its address, so that a screenshot shows where tiles are."""
    image = Image.new("RGB", (256, 256), (236, 229, 206))
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 255, 255], outline=(190, 178, 140), width=2)
    draw.line([(0, 128), (255, 128)], fill=(214, 204, 170))
    draw.text((8, 8), f"{z}/{x}/{y}", fill=(150, 135, 90))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def build_mbtiles(path: Path, *, bounds: tuple[float, float, float, float], zooms=range(8, 13),
                  format: str = "png", skip: set | None = None) -> list[tuple[int, int, int]]:
    """Write an MBTiles file covering `bounds` (west, south, east, north) at `zooms`, leaving out
    the XYZ tiles in `skip`; return the XYZ tiles it holds."""
    west, south, east, north = bounds
    written = []
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
        db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("name", "测试底图"), ("format", format), ("minzoom", str(min(zooms))), ("maxzoom", str(max(zooms))),
            ("bounds", f"{west},{south},{east},{north}"), ("type", "baselayer"),
        ])
        for z in zooms:
            x0, y0 = tile_xy(west, north, z)
            x1, y1 = tile_xy(east, south, z)
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    if skip and (z, x, y) in skip:
                        continue
                    # MBTiles rows count from the south (TMS).
                    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)", (z, x, 2**z - 1 - y, tile_png(z, x, y)))
                    written.append((z, x, y))
    db.close()
    return written
