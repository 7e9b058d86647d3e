"""The offline basemap's tiles, served by gridcase itself for intranets without a tile server."""

import logging

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET

from geodata import basemap, tiles
from geodata.selectors import basemap_reach

logger = logging.getLogger(__name__)

CACHE_CONTROL = "private, max-age=86400"  # behind the login: browsers keep them a day, proxies never
# Degrees: the browser's bounds test and ours round differently; on a GCJ-02 file the browser's box
# is the reach shifted (~500 m), ours is not.
SLACK = {"wgs84": 1e-6, "gcj02": 0.01}


def _text(message: str, status: int) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
@login_required
def tile(request, z: str, x: str, y: str):
    """One tile of the MBTiles file (BASEMAP=mbtiles): 204 where the file has none, 400 for a z/x/y
    no map asks for, 403 beyond the user's reach, 503 when the file is missing or unusable."""
    chosen = basemap.configured()
    if chosen.mbtiles is None:
        raise Http404("未配置离线底图（BASEMAP=mbtiles）")
    try:
        z, x, y = tiles.parse_tile(z, x, y)
    except tiles.TileRequestError as exc:
        return _text(str(exc), 400)
    reach = basemap_reach(user=request.user)
    if reach is None or not tiles.overlaps(tiles.tile_bounds(z, x, y), tiles.reach(reach, SLACK[chosen.crs])):
        return _text("该瓦片超出您的辖区范围。", 403)
    try:
        source = tiles.open_source(chosen.mbtiles)
        etag = f'"{source.version}"'
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponse(status=304)
        else:
            data = tiles.read_tile(source, z, x, y)
            response = HttpResponse(data, content_type=source.content_type) if data else HttpResponse(status=204)
    except tiles.TileSourceError as exc:
        logger.error("offline basemap: %s", exc.detail)
        return _text(str(exc), 503)
    response["Cache-Control"] = CACHE_CONTROL
    response["ETag"] = etag
    return response
