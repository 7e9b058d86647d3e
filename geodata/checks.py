"""`manage.py check` says when the offline basemap is configured but its file cannot be served."""

from django.core import checks

from geodata import basemap, tiles


@checks.register(checks.Tags.compatibility)
def offline_basemap_file(app_configs, **kwargs):
    chosen = basemap.configured()
    if chosen.mbtiles is None:
        return []
    try:
        tiles.open_source(chosen.mbtiles)
    except tiles.TileSourceError as exc:
        # A warning, not an error: the site runs (maps without a basemap) until the file arrives.
        return [checks.Warning(exc.detail, hint="BASEMAP=mbtiles: copy the county's raster MBTiles file to "
                               "BASEMAP_MBTILES (default var/tiles/basemap.mbtiles)", id="geodata.W001")]
    return []
