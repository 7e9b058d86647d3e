"""The parameters of GeoReport requests, checked: anything wrong is a GeoReportError naming the
parameter and what it should be, with the HTTP status GeoReport uses (400, or 404 for an unknown
jurisdiction_id)."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from geodata import crs
from geodata.selectors import LocationError, area_names, point_from_lonlat
from gridcase.lib import clock
from gridcase.open311.formats import GeoReportError
from gridcase.open311.georeport import Service

WINDOW = timedelta(days=90)  # GeoReport: a search spans at most 90 days, the last 90 by default
MAX_ROWS = 1000  # GeoReport: at most 1,000 requests in an answer (our page_size cannot exceed it)
MAX_DESCRIPTION = 4000
STATUSES = ("open", "closed")
COORDINATE_SYSTEMS = {"wgs84": None, "gcj02": crs.gcj02_to_wgs84, "bd09": crs.bd09_to_wgs84}


@dataclass
class Query:
    """GET requests, checked. `ids` overrides every other filter, as GeoReport says."""

    ids: list[str]
    services: list[Service] | None  # None: every service
    start: datetime
    end: datetime
    statuses: set[str]
    page: int
    page_size: int
    area_code: str = ""


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def moment(params, name: str) -> datetime | None:
    value = params.get(name, "").strip()
    if not value:
        return None
    # A "+" in an unencoded query string arrives as a space.
    parsed = parse_datetime(value.replace(" ", "+"))
    if parsed is None or parsed.tzinfo is None:
        raise GeoReportError(400, _("%(name)s 应为带时区的 ISO 8601 时间，例如 2026-11-01T00:00:00+08:00，收到：%(value)s")
                             % {"name": name, "value": value})
    return parsed


def window(params) -> tuple[datetime, datetime]:
    start, end = moment(params, "start_date"), moment(params, "end_date")
    if start is None and end is None:
        end = clock.now()
    if start is None:
        start = end - WINDOW
    if end is None:
        end = start + WINDOW
    if end < start:
        raise GeoReportError(400, _("end_date 早于 start_date"))
    if end - start > WINDOW:
        raise GeoReportError(400, _("start_date 到 end_date 不能超过 90 天"))
    return start, end


def positive(params, name: str, default: int, maximum: int) -> int:
    value = params.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit() or not 1 <= int(value) <= maximum:
        raise GeoReportError(400, _("%(name)s 应为 1 到 %(maximum)d 之间的整数，收到：%(value)s")
                             % {"name": name, "maximum": maximum, "value": value})
    return int(value)


def statuses(params) -> set[str]:
    wanted = {status.lower() for status in _list(params.get("status", ""))}
    if unknown := wanted - set(STATUSES):
        raise GeoReportError(400, _("status 只能是 open 或 closed（可用逗号分隔），收到：%(value)s")
                             % {"value": ",".join(sorted(unknown))})
    return wanted or set(STATUSES)


def services(params, catalogue: dict[str, Service]) -> list[Service] | None:
    codes = _list(params.get("service_code", ""))
    if not codes:
        return None
    if unknown := [code for code in codes if code not in catalogue]:
        raise GeoReportError(400, _("没有这个 service_code：%(codes)s") % {"codes": ",".join(unknown)})
    return [catalogue[code] for code in codes]


def jurisdiction(params) -> str:
    """The optional jurisdiction_id: an area code (county, town or village) under which to work."""
    code = params.get("jurisdiction_id", "").strip()
    if code and (len(code) > 12 or code not in area_names(codes=[code])):
        raise GeoReportError(404, _("没有这个 jurisdiction_id：%(code)s（应为区县、乡镇或村(社区)的区划代码）") % {"code": code})
    return code


def query(params, catalogue: dict[str, Service]) -> Query:
    start, end = window(params)
    return Query(ids=_list(params.get("service_request_id", "")), services=services(params, catalogue),
                 start=start, end=end, statuses=statuses(params), page=positive(params, "page", 1, 1_000_000),
                 page_size=positive(params, "page_size", MAX_ROWS, MAX_ROWS), area_code=jurisdiction(params))


# ---------------------------------------------------------------- POST requests


def point(params):
    """The WGS-84 point of lat/long (converted from coordinate_system=gcj02 or bd09), or None if neither is given."""
    lat, long = params.get("lat", "").strip(), params.get("long", "").strip()
    if not lat and not long:
        return None
    if not lat or not long:
        raise GeoReportError(400, _("lat 与 long 须同时给出"))
    system = params.get("coordinate_system", "wgs84").strip().lower() or "wgs84"
    if system not in COORDINATE_SYSTEMS:
        raise GeoReportError(400, _("coordinate_system 只能是 wgs84、gcj02 或 bd09，收到：%(value)s") % {"value": system})
    try:
        located = point_from_lonlat(long, lat)
    except LocationError as exc:
        raise GeoReportError(400, f"lat/long：{exc}") from None
    if convert := COORDINATE_SYSTEMS[system]:
        located = point_from_lonlat(*convert(located.x, located.y))
    return located


def description(params) -> str:
    text = params.get("description", "").strip()
    if not text:
        raise GeoReportError(400, _("请在 description 中写明反映的事项"))
    if len(text) > MAX_DESCRIPTION:
        raise GeoReportError(400, _("description 不能超过 %(n)d 个字") % {"n": MAX_DESCRIPTION})
    return text


def attributes(params, service: Service) -> dict[str, str]:
    """The attribute[code] values, checked against the service definition."""
    given = {key[len("attribute["):-1]: value.strip() for key, value in params.items()
             if key.startswith("attribute[") and key.endswith("]")}
    known = {attribute.code: attribute for attribute in service.attributes}
    if unknown := sorted(set(given) - set(known)):
        raise GeoReportError(400, _("服务 %(service)s 没有属性 %(unknown)s；可用：%(known)s") % {
            "service": service.code, "unknown": ",".join(unknown), "known": ",".join(known) or _("无")})
    for code, attribute in known.items():
        value = given.get(code, "")
        if attribute.required and not value:
            raise GeoReportError(400, _("缺少必填属性 attribute[%(code)s]") % {"code": code})
        if value and attribute.values and value not in {key for key, _name in attribute.values}:
            raise GeoReportError(400, _("attribute[%(code)s] 只能是 %(keys)s，收到：%(value)s") % {
                "code": code, "keys": ",".join(key for key, _name in attribute.values), "value": value})
    return given


def client_id(params, idempotency_key: str, user_id: int) -> uuid.UUID:
    """The submission's id, also its GeoReport token: the client's own (client_id), one derived from its
    Idempotency-Key (so a retry names the same submission even after the replay window), or a new one."""
    if value := params.get("client_id", "").strip():
        try:
            return uuid.UUID(value)
        except ValueError:
            raise GeoReportError(400, _("client_id 应为 UUID，收到：%(value)s") % {"value": value}) from None
    if idempotency_key:
        return uuid.uuid5(uuid.NAMESPACE_URL, f"gridcase:open311:{user_id}:{idempotency_key}")
    return uuid.uuid4()


def token(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None
