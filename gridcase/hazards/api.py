from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geodata.maps import MapRequestError, parse_bbox
from gridcase.hazards import selectors


class HazardPoints(APIView):
    """?bbox=w,s,e,n[&all=1]: the hazards in view (open ones unless all=1) as GeoJSON points, for a map layer."""

    def get(self, request):
        try:
            bbox = parse_bbox(request.query_params.get("bbox"))
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        if bbox is None:
            raise ValidationError({"detail": "需要 bbox 参数"})
        open_only = request.query_params.get("all") != "1"
        return Response(selectors.hazard_points(user=request.user, bbox=bbox, open_only=open_only))
