"""Tiles from the offline basemap file (MBTiles, an SQLite database) the county provides.

Plain functions: the view (geodata.views.tile) checks login and jurisdiction and sets the caching
headers. Raster tiles only (png, jpg, webp): Leaflet draws them without a plugin.
"""

import math
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

MAX_ZOOM = 22
# A user's basemap reaches this far beyond their jurisdiction's extent, in degrees (~5 km): enough to
# see the roads around a grid, not the whole county's file for a worker with two grids.
MARGIN = 0.05
TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp"}


class TileRequestError(ValueError):
    """z/x/y the map cannot have asked for; the message is for the caller (400)."""


class TileSourceError(Exception):
    """The offline basemap file is missing or unusable: the message is for users (no server paths),
    `detail` for the log and the system check."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(message)
        self.detail = detail or message


@dataclass(frozen=True)
class Source:
    path: Path
    version: str  # changes whenever the file is replaced: the tiles' ETag
    format: str
    content_type: str
    min_zoom: int
    max_zoom: int
    bounds: tuple[float, float, float, float] | None
    name: str


def parse_tile(z: str, x: str, y: str) -> tuple[int, int, int]:
    """'12', '3411', '1625' → (12, 3411, 1625), XYZ numbering; TileRequestError if impossible."""
    try:
        z, x, y = int(z), int(x), int(y)
    except ValueError:
        raise TileRequestError("瓦片坐标 z/x/y 必须是整数") from None
    if not 0 <= z <= MAX_ZOOM:
        raise TileRequestError(f"缩放级别 z 应在 0–{MAX_ZOOM} 之间")
    if not (0 <= x < 2**z and 0 <= y < 2**z):
        raise TileRequestError(f"第 {z} 级的瓦片行列号应在 0–{2**z - 1} 之间")
    return z, x, y


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of a web-mercator XYZ tile."""
    n = 2**z

    def lat(row):
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def reach(extent: tuple[float, float, float, float], margin: float = MARGIN) -> tuple[float, float, float, float]:
    """The box of basemap a user with this jurisdiction extent may see."""
    west, south, east, north = extent
    return west - margin, south - margin, east + margin, north + margin


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only: a missing file must not be created empty, and the county's file is never written.
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)


_sources: dict[tuple, Source] = {}


def open_source(path: Path) -> Source:
    """The file's metadata, read once per version of the file; TileSourceError if unusable."""
    try:
        stat = path.stat()
    except OSError:
        raise TileSourceError("离线底图文件不存在，请管理员放置区县提供的 MBTiles 文件（BASEMAP_MBTILES）。",
                              f"no MBTiles file at {path}: copy the county's file there or set BASEMAP_MBTILES") from None
    version = f"{stat.st_mtime_ns:x}-{stat.st_size:x}"
    key = (str(path), version)
    if key not in _sources:
        _sources[key] = _read_metadata(path, version)
    return _sources[key]


def _read_metadata(path: Path, version: str) -> Source:
    try:
        with closing(_connect(path)) as db:
            meta = dict(db.execute("SELECT name, value FROM metadata").fetchall())
            zooms = db.execute("SELECT min(zoom_level), max(zoom_level) FROM tiles").fetchone()
    except sqlite3.DatabaseError as exc:
        raise TileSourceError("离线底图文件无法读取，不是有效的 MBTiles 文件。", f"{path} is not an MBTiles file: {exc}") from None
    fmt = (meta.get("format") or "png").lower()
    if fmt not in TYPES:
        raise TileSourceError(f"离线底图为 {fmt} 格式，只支持栅格瓦片（png、jpg、webp）。",
                              f"{path} holds {fmt} tiles; only raster MBTiles (png, jpg, webp) are served")
    if zooms[0] is None:
        raise TileSourceError("离线底图文件中没有瓦片。", f"{path} holds no tiles")
    return Source(path=path, version=version, format=fmt, content_type=TYPES[fmt],
                  min_zoom=_int(meta.get("minzoom"), zooms[0]), max_zoom=_int(meta.get("maxzoom"), zooms[1]),
                  bounds=_bounds(meta.get("bounds")), name=meta.get("name", ""))


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _bounds(value: str | None):
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except (AttributeError, ValueError):
        return None  # optional in the MBTiles spec: then the whole world
    return west, south, east, north


def read_tile(source: Source, z: int, x: int, y: int) -> bytes | None:
    """The tile's bytes, or None where the file has none (outside its area or zooms)."""
    # MBTiles rows count from the south (TMS); the map's y counts from the north.
    row = 2**z - 1 - y
    try:
        with closing(_connect(source.path)) as db:
            found = db.execute("SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                               (z, x, row)).fetchone()
    except sqlite3.DatabaseError as exc:
        raise TileSourceError("离线底图文件读取失败。", f"tile {z}/{x}/{y} unreadable from {source.path}: {exc}") from None
    return found[0] if found else None
