"""The basemap under the territory layers: a preset chosen in settings (env BASEMAP), or none.

Presets: 天地图 (the national basemap, CGCS2000 ≈ WGS-84, needs TIANDITU_KEY), AMap/高德 and Tencent
(GCJ-02: the map shifts WGS-84 data onto them), an offline MBTiles file the county provides, served
by gridcase itself (geodata.tiles), or any tile server by URL template. Plain Python: settings calls
`resolve` to refuse nonsense at start-up; the pages call `configured` for the current settings.
"""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

CRS = ("wgs84", "gcj02")
TILE_URL = "/api/geodata/tiles/{z}/{x}/{y}"  # the offline file's tiles, served by gridcase (geodata.views.tile)

_TIANDITU = ("https://t{s}.tianditu.gov.cn/%(layer)s_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0"
             "&LAYER=%(layer)s&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
             "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk=%(key)s")


@dataclass(frozen=True)
class TileLayer:
    url: str
    subdomains: str = ""
    overlay: bool = False  # drawn over the base, such as 天地图's 注记 (place names)


@dataclass(frozen=True)
class Basemap:
    preset: str
    label: str
    crs: str
    layers: tuple[TileLayer, ...]
    attribution: str
    max_zoom: int
    mbtiles: Path | None = None  # the offline file gridcase serves itself

    def hosts(self) -> list[str]:
        """scheme://host of every remote tile server, subdomains spelled out (for the CSP)."""
        hosts = []
        for layer in self.layers:
            if not urlsplit(layer.url).netloc:
                continue  # served by gridcase: 'self'
            for sub in layer.subdomains or "-":
                parts = urlsplit(layer.url.replace("{s}", sub))
                origin = f"{parts.scheme}://{parts.netloc}"
                if origin not in hosts:
                    hosts.append(origin)
        return hosts

    def for_map(self) -> dict:
        """What static/js/map.js needs to draw it."""
        return {
            "preset": self.preset, "label": self.label, "crs": self.crs, "attribution": self.attribution,
            "maxZoom": self.max_zoom,
            "layers": [{"url": layer.url, "subdomains": layer.subdomains, "overlay": layer.overlay} for layer in self.layers],
        }


def _tianditu(kind: str, key: str) -> tuple[TileLayer, ...]:
    base, labels = {"vec": ("vec", "cva"), "img": ("img", "cia")}[kind]
    return (TileLayer(_TIANDITU % {"layer": base, "key": key}, "01234567"),
            TileLayer(_TIANDITU % {"layer": labels, "key": key}, "01234567", overlay=True))


PRESETS = {
    # preset: (label, crs, default attribution, max zoom)
    "none": ("空白底图", "wgs84", "", 18),
    "tianditu": ("天地图", "wgs84", "© 天地图（国家地理信息公共服务平台）", 18),
    "tianditu-img": ("天地图影像", "wgs84", "© 天地图（国家地理信息公共服务平台）", 18),
    "amap": ("高德地图", "gcj02", "© 高德地图", 18),
    "tencent": ("腾讯地图", "gcj02", "© 腾讯地图", 18),
    "mbtiles": ("离线底图", "wgs84", "", 18),
    "custom": ("底图", "wgs84", "", 18),
}
_REMOTE = {
    "amap": (TileLayer("https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}", "1234"),),
    "tencent": (TileLayer("https://rt{s}.map.gtimg.com/tile?z={z}&x={x}&y={-y}&type=vector&styleid=3", "0123"),),
}


def resolve(*, preset: str, url: str = "", crs: str = "", key: str = "", attribution: str = "",
            max_zoom: int | None = None, mbtiles: str | Path = "") -> Basemap:
    """The basemap these settings describe; ImproperlyConfigured, saying what to set, on nonsense.

    An empty preset means "custom" when a URL is given (the setting before presets existed), else none."""
    preset = (preset or ("custom" if url else "none")).strip().lower()
    if preset not in PRESETS:
        raise ImproperlyConfigured(f"BASEMAP must be one of {', '.join(PRESETS)}, not {preset!r}")
    label, default_crs, default_attribution, default_zoom = PRESETS[preset]
    crs = (crs or default_crs).lower() if preset in ("custom", "mbtiles") else default_crs
    if crs not in CRS:
        raise ImproperlyConfigured(f"BASEMAP_CRS must be 'wgs84' or 'gcj02', not {crs!r}")
    layers: tuple[TileLayer, ...] = ()
    path = None
    if preset.startswith("tianditu"):
        if not key:
            raise ImproperlyConfigured(f"BASEMAP={preset} needs TIANDITU_KEY (the 天地图 key of this deployment, "
                                       "from console.tianditu.gov.cn)")
        layers = _tianditu("img" if preset == "tianditu-img" else "vec", key)
    elif preset in _REMOTE:
        layers = _REMOTE[preset]
    elif preset == "custom":
        if not url or not all(part in url for part in ("{z}", "{x}")):
            raise ImproperlyConfigured("BASEMAP=custom needs BASEMAP_URL, a tile URL template with {z}, {x} and {y}")
        layers = (TileLayer(url, "abc" if "{s}" in url else ""),)
    elif preset == "mbtiles":
        if not mbtiles:
            raise ImproperlyConfigured("BASEMAP=mbtiles needs BASEMAP_MBTILES, the path of the .mbtiles file")
        path = Path(mbtiles)
        layers = (TileLayer(TILE_URL),)
    return Basemap(preset=preset, label=label, crs=crs, layers=layers, attribution=attribution or default_attribution,
                   max_zoom=max_zoom or default_zoom, mbtiles=path)


def configured() -> Basemap:
    """The basemap of the current settings."""
    from django.conf import settings

    return resolve(preset=settings.BASEMAP, url=settings.BASEMAP_URL, crs=settings.BASEMAP_CRS,
                   key=settings.TIANDITU_KEY, attribution=settings.BASEMAP_ATTRIBUTION,
                   max_zoom=settings.BASEMAP_MAX_ZOOM, mbtiles=settings.BASEMAP_MBTILES)
