"""How the schema describes gridcase's own authentication."""

from drf_spectacular.contrib.rest_framework_gis import GeoFeatureModelSerializerExtension
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "gridcase.api.authentication.BearerTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "接口令牌（gc_ 开头），在管理后台为用户签发，含权限范围与到期时间"}


class NullableGeometryFeature(GeoFeatureModelSerializerExtension):
    """drf-spectacular's GeoJSON feature, with `geometry` nullable where ours can be null (a request
    without a place, a patrol before its first fix): its field allows null, or its column does."""

    priority = 1  # over the stock extension

    def map_geo_feature_model_serializer(self, serializer, base_schema):
        schema = super().map_geo_feature_model_serializer(serializer, base_schema)
        name = serializer.Meta.geo_field
        if serializer.fields[name].allow_null or serializer.Meta.model._meta.get_field(name).null:
            schema["properties"]["geometry"]["nullable"] = True
        return schema


PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string", "description": "稳定的错误类型，例如 /api/v1/problems/stale-version"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": True, "description": "字段 → 错误信息（校验失败时）"},
    },
    "required": ["type", "title", "status", "detail"],
}


def document_problems(result, generator, request, public):
    """Every operation may answer with a problem (401, 403, 404, 412, 422, 428 …): say so, with its shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation["responses"].setdefault("default", {
                "description": "错误：RFC 9457 problem+json（见 type）",
                "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
            })
    return result


def only_v1(endpoints):
    """The schema describes /api/v1/, the versioned API; the pages' own map endpoints may change freely."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/v1/")]
