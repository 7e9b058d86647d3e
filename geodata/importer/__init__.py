"""Importing territory: read a boundary file, validate everything, then write all of it or nothing.

`import_areas` is the one front door; the management command and the admin upload form call it.
"""

from geodata.importer.core import Feature, ImportReport, import_features
from geodata.importer.readers import ReadError, read_features


def import_areas(path: str, *, level: str, parent_code: str | None = None, crs: str | None = None,
                 code_field: str = "code", name_field: str = "name", dry_run: bool = False,
                 allowed: tuple[str, ...] | None = None) -> ImportReport:
    try:
        features, notes = read_features(path, level=level, crs=crs, code_field=code_field, name_field=name_field)
    except ReadError as exc:
        return ImportReport.failed(str(exc), level=level)
    return import_features(features, level=level, parent_code=parent_code, dry_run=dry_run, notes=notes,
                            allowed=allowed)


__all__ = ["Feature", "ImportReport", "ReadError", "import_areas", "import_features", "read_features"]
