from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geodata.maps import MapRequestError, parse_bbox
from gridcase.requests import selectors


class RequestPoints(APIView):
    """?bbox=w,s,e,n: the located requests in view that are not closed, as GeoJSON points."""

    def get(self, request):
        try:
            bbox = parse_bbox(request.query_params.get("bbox"))
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        if bbox is None:
            raise ValidationError({"detail": "需要 bbox 参数"})
        return Response(selectors.request_points(user=request.user, bbox=bbox))
