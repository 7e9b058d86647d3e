from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from geodata.selectors import jurisdiction_extent
from gridcase.accounts.jurisdiction import jurisdiction_codes
from gridcase.front.health import health


@login_required
def home(request):
    extent = jurisdiction_extent(codes=jurisdiction_codes(request.user))
    config = {
        "extent": extent,
        "areasUrl": reverse("geodata:areas"),
        "keyAreasUrl": reverse("geodata:key-areas"),
        "basemap": {
            "url": settings.BASEMAP_URL,
            "crs": settings.BASEMAP_CRS,
            "attribution": settings.BASEMAP_ATTRIBUTION,
            "maxZoom": settings.BASEMAP_MAX_ZOOM,
        },
    }
    return render(request, "front/map.html", {"map_config": config, "has_territory": extent is not None})


@never_cache
def healthz(request):
    healthy, report = health()
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})
