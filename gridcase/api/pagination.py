from rest_framework.pagination import CursorPagination
from rest_framework.response import Response


class IdCursorPagination(CursorPagination):
    """Stable pages over lists that grow while they are read: newest first, by id."""

    ordering = "-id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500


class GeoJsonCursorPagination(IdCursorPagination):
    """The same, as one GeoJSON FeatureCollection per page with next/previous links."""

    def get_paginated_response(self, data):
        return Response({"type": "FeatureCollection", "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "features": data["features"]})

    def get_paginated_response_schema(self, schema):
        return {"type": "object", "required": ["type", "features"], "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "next": {"type": "string", "nullable": True, "format": "uri"},
            "previous": {"type": "string", "nullable": True, "format": "uri"},
            "features": {"type": "array", "items": _feature(schema)}}}


def newest_first(field: str) -> type[GeoJsonCursorPagination]:
    """GeoJSON pages newest first by `field` (registered_at, reported_at), then id: the order of the
    models' (code column, field DESC, id DESC) indexes, so a page of a town's tens of thousands of rows
    is read off the index instead of all of them being sorted (142 ms → 15 ms at a million cases)."""
    return type(f"NewestBy{field.title().replace('_', '')}", (GeoJsonCursorPagination,), {"ordering": (f"-{field}", "-id")})


def _feature(collection: dict) -> dict:
    """The schema of one feature, from that of a FeatureCollection (rest_framework_gis names the
    collection component after the feature's, with "List" at the end)."""
    if "$ref" in collection:
        return {"$ref": collection["$ref"].removesuffix("List")}
    return collection.get("properties", {}).get("features", {}).get("items", collection)
