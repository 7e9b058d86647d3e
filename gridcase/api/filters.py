"""Query parameters shared by the lists: a bounding box, time windows, and their schema."""

from datetime import UTC

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from geodata.maps import MapRequestError, parse_bbox

BBOX = OpenApiParameter("bbox", str, description="w,s,e,n（WGS-84 经纬度）：只返回此范围内的")


def datetime_param(request, name: str):
    value = request.query_params.get(name)
    if value is None:
        return None
    try:
        parsed = parse_datetime(value.replace(" ", "+"))
        if parsed is not None and parsed.tzinfo is not None and 1900 <= parsed.year <= 2999:
            return parsed.astimezone(UTC)  # PostgreSQL refuses offsets beyond ±15:59
    except (ValueError, OverflowError):
        pass
    raise ValidationError({name: [_("应为带时区的 ISO 8601 时间，例如 2026-11-01T00:00:00+08:00")]})


def by_bbox(request, queryset, field: str):
    """Only the rows whose `field` lies in ?bbox=w,s,e,n (when given)."""
    try:
        bbox = parse_bbox(request.query_params.get("bbox"))
    except MapRequestError as exc:
        raise ValidationError({"bbox": [str(exc)]}) from None
    return queryset.filter(**{f"{field}__intersects": bbox}) if bbox is not None else queryset


def by_time(request, queryset, windows: dict[str, str]):
    """{"reported_after": "reported_at__gte", …}: each parameter given narrows the rows."""
    for name, lookup in windows.items():
        if (moment := datetime_param(request, name)) is not None:
            queryset = queryset.filter(**{lookup: moment})
    return queryset


def by_choice(request, queryset, fields: dict[str, tuple[str, list]]):
    """{"state": ("state", State.values), …}: exact filters, a value outside the choices is a 400."""
    for name, (lookup, allowed) in fields.items():
        value = request.query_params.get(name)
        if not value:
            continue
        if str(value) not in {str(a) for a in allowed}:
            raise ValidationError({name: [_("应为以下之一：%(values)s") % {"values": ", ".join(map(str, allowed))}]})
        queryset = queryset.filter(**{lookup: value})
    return queryset


def time_parameters(windows: dict[str, str]) -> list[OpenApiParameter]:
    return [OpenApiParameter(name, OpenApiTypes.DATETIME) for name in windows]
