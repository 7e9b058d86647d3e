"""JSON for the phone (track upload) and the maps (tracks of a day/week, key areas by compliance,
one patrol's track and check-ins), always within the user's jurisdiction."""

import json
from datetime import date, timedelta

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_date
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geodata.maps import MapRequestError, degrees_per_pixel, parse_bbox, parse_zoom
from geodata.selectors import LocationError, point_from_lonlat
from gridcase.accounts.jurisdiction import jurisdiction_codes
from gridcase.lib import clock
from gridcase.patrols import selectors, services
from gridcase.patrols.models import PatrolType

TYPE_COLOURS = {PatrolType.ROUTINE: "#1f5fa8", PatrolType.NIGHT: "#6a3d9a", PatrolType.KEY_AREA: "#d2462c"}


class TrackUpload(APIView):
    """POST {"points": [{"t": ISO time or epoch ms, "lon", "lat", "acc", "id"}, …]} → counts.

    Safe to repeat: a fix already stored is a duplicate, not a second fix."""

    def post(self, request, patrol_id):
        patrol = selectors.patrol_for_user(request.user, patrol_id)
        points = request.data.get("points") if isinstance(request.data, dict) else None
        if not isinstance(points, list):
            raise ValidationError({"detail": "请求体应为 {\"points\": [...]}"})
        try:
            result = services.track_ingest(patrol=patrol, actor=request.user, points=points)
        except services.NotAllowed as exc:
            raise PermissionDenied(str(exc)) from None
        except services.PatrolError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response(result.as_dict())


def _feature_collection(rows, properties) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": row[0], "geometry": json.loads(row[1]), "properties": properties(row)}
        for row in rows if row[1]
    ]}


def _date(value: str) -> date | None:
    try:
        return parse_date(value) if len(value) == 10 else None
    except ValueError:  # well-formed but impossible, e.g. 2026-13-01
        return None


def _period(params) -> tuple[date, date]:
    """?day=YYYY-MM-DD (one day) or ?week=YYYY-MM-DD (the week holding it); default: this week."""
    if day := params.get("day"):
        if (parsed := _date(day)) is None:
            raise ValidationError({"day": "日期格式应为 YYYY-MM-DD"})
        return parsed, parsed + timedelta(days=1)
    week = params.get("week")
    parsed = _date(week) if week else timezone.localdate(clock.now())
    if parsed is None:
        raise ValidationError({"week": "日期格式应为 YYYY-MM-DD"})
    monday = selectors.week_of(parsed)
    return monday, monday + timedelta(days=7)


def _map_view(params) -> tuple:
    try:
        return parse_bbox(params.get("bbox")), parse_zoom(params.get("zoom"))
    except MapRequestError as exc:
        raise ValidationError({"detail": str(exc)}) from None


def _code_filter(user, column: str) -> tuple[str, list]:
    codes = jurisdiction_codes(user)
    if not codes:
        return "false", []
    return "(" + " OR ".join(f"{column} LIKE %s" for _ in codes) + ")", [c + "%" for c in codes]


# Simplified in PostGIS to half a screen pixel at the map's zoom, so that a week of a county's
# tracks stays a few hundred kilobytes.
TRACKS = """
SELECT p.id, ST_AsGeoJSON(ST_Simplify(p.track, %s), 6), p.type, p.started_at, p.distance_m, g.name
FROM patrols_patrol p JOIN geodata_area g ON g.id = p.grid_id
WHERE {codes} AND p.status IN ('ongoing', 'finished') AND p.started_at >= %s AND p.started_at < %s
  AND p.track IS NOT NULL {bbox}
ORDER BY p.started_at
LIMIT 5000
"""


class Tracks(APIView):
    """GeoJSON of the tracks of a day (?day=) or week (?week=), coloured by type; ?bbox=&zoom= optional."""

    def get(self, request):
        first, end = _period(request.query_params)
        bbox, zoom = _map_view(request.query_params)
        codes_sql, codes = _code_filter(request.user, "p.area_code")
        bbox_sql = "AND p.track && ST_GeomFromText(%s, 4326)" if bbox is not None else ""
        tolerance = degrees_per_pixel(zoom) / 2 if zoom is not None else 0.00001
        params = [tolerance, *codes, selectors.local_midnight(first), selectors.local_midnight(end)]
        if bbox is not None:
            params.append(bbox.wkt)
        with connection.cursor() as cursor:
            cursor.execute(TRACKS.format(codes=codes_sql, bbox=bbox_sql), params)
            rows = cursor.fetchall()
        labels = dict(PatrolType.choices)
        return Response(_feature_collection(rows, lambda r: {
            "type": r[2], "type_label": str(labels.get(r[2], r[2])), "colour": TYPE_COLOURS.get(r[2], "#555"),
            "started_at": r[3], "distance_m": round(r[4]), "grid": r[5], "url": f"/patrols/{r[0]}/",
        }) | {"from": first, "to": end - timedelta(days=1)})


class KeyAreaCompliance(APIView):
    """GeoJSON of the key areas with this week's patrols through them: green met, red not."""

    def get(self, request):
        monday, _ = _period({"week": request.query_params.get("week")})
        codes = jurisdiction_codes(request.user)
        rows = {}
        for code in codes:
            for row in selectors.key_area_compliance(territory=code, week_start=monday):
                rows[row.id] = row
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, ST_AsGeoJSON(geom, 6) FROM geodata_keyarea WHERE id = ANY(%s)", [list(rows)])
            shapes = cursor.fetchall()
        return Response(_feature_collection(shapes, lambda r: {
            "name": rows[r[0]].name, "required": rows[r[0]].required, "patrols": rows[r[0]].patrols,
            "met": rows[r[0]].met, "colour": "#2c8a4b" if rows[r[0]].met else "#b3261e",
        }) | {"week": monday})


class PatrolTrack(APIView):
    """One patrol for its maps: the line, the kept and dropped fixes, the check points near it, and
    where its findings were logged."""

    def get(self, request, patrol_id):
        patrol = selectors.patrol_for_user(request.user, patrol_id)
        with connection.cursor() as cursor:
            cursor.execute("""SELECT id, ST_AsGeoJSON(location, 6), recorded_at, accuracy_m, dropped, drop_reason
                              FROM patrols_trackpoint WHERE patrol_id = %s ORDER BY recorded_at""", [patrol.pk])
            points = cursor.fetchall()
        checked = {c.check_point_id: c for c in selectors.check_ins(patrol=patrol)}
        check_points = [{
            "type": "Feature", "id": cp.pk, "geometry": json.loads(cp.location.geojson),
            "properties": {"name": str(cp), "radius_m": cp.radius_m, "checked": cp.pk in checked,
                           "at": checked[cp.pk].at if cp.pk in checked else None},
        } for cp in {*selectors.check_points_near(patrol=patrol), *(c.check_point for c in checked.values())}]
        return Response({
            "track": json.loads(patrol.track.geojson) if patrol.track else None,
            "colour": TYPE_COLOURS.get(patrol.type, "#555"),
            "points": _feature_collection(points, lambda r: {"at": r[2], "acc": r[3], "dropped": r[4],
                                                             "reason": r[5]}),
            "check_points": {"type": "FeatureCollection", "features": check_points},
            "findings": selectors.findings_geojson(user=request.user, patrol=patrol),
            "distance_m": round(patrol.distance_m), "points_kept": patrol.points_kept,
            "points_dropped": patrol.points_dropped,
        })


class DispatchCandidates(APIView):
    """?lon=&lat=: the available workers nearest the incident (town leaders)."""

    def get(self, request):
        if request.user.role not in services.DISPATCHERS:
            raise PermissionDenied("只有镇(街道)领导可以调度派遣")
        try:
            point = point_from_lonlat(request.query_params.get("lon"), request.query_params.get("lat"))
        except LocationError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response([{
            "worker": c.worker.pk, "name": str(c.worker), "metres": round(c.distance_m), "at": c.position_at,
            "lon": c.position.x, "lat": c.position.y, "target_min": services.target_seconds(c.distance_m) // 60,
        } for c in services.available_workers(actor=request.user, location=point)])
