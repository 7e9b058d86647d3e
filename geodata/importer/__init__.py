"""Importing territory: read a boundary file, validate everything, then write all of it or nothing.

`import_areas` is the one front door; the management command and the admin upload form call it.
"""

import logging

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException

from geodata.importer.core import Feature, ImportReport, import_features
from geodata.importer.readers import ReadError, read_features

logger = logging.getLogger(__name__)


def import_areas(path: str, *, level: str, parent_code: str | None = None, crs: str | None = None,
                 code_field: str = "code", name_field: str = "name", dry_run: bool = False,
                 allowed: tuple[str, ...] | None = None) -> ImportReport:
    """Always a report: a file the readers did not foresee is refused in it, and logged, never a traceback."""
    try:
        features, notes = read_features(path, level=level, crs=crs, code_field=code_field, name_field=name_field)
        return import_features(features, level=level, parent_code=parent_code, dry_run=dry_run, notes=notes,
                                allowed=allowed)
    except ReadError as exc:
        return ImportReport.failed(str(exc), level=level)
    except (GDALException, GEOSException, RecursionError, ValueError) as exc:
        # The readers check what they know of; GDAL and GEOS refuse the rest. Logged so that a new
        # kind of bad file gets its own check and message.
        logger.exception("boundary import refused %s", path)
        return ImportReport.failed(f"无法读取该文件：其中的数据无法解析为边界（{type(exc).__name__}）", level=level)


__all__ = ["Feature", "ImportReport", "ReadError", "import_areas", "import_features", "read_features"]
