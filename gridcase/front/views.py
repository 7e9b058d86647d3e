import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.template import engines
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import cache_control, never_cache

from geodata.selectors import basemap_for_map, jurisdiction_extent, my_grid_codes
from gridcase.accounts.jurisdiction import jurisdiction_codes
from gridcase.front.health import health
from gridcase.front.selectors import home_tasks


@login_required
def home(request):
    extent = jurisdiction_extent(codes=jurisdiction_codes(request.user))
    config = {
        "extent": extent,
        "areasUrl": reverse("geodata:areas"),
        "keyAreasUrl": reverse("geodata:key-areas"),
        "casePointsUrl": reverse("case-points"),
        "hazardPointsUrl": reverse("hazards:points"),
        "requestPointsUrl": reverse("requests:points"),
        "basemap": basemap_for_map(user=request.user),
        "myGrids": my_grid_codes(user=request.user),
        "role": request.user.role,
    }
    tasks = home_tasks(user=request.user)
    return render(request, "front/map.html", {"map_config": config, "has_territory": extent is not None,
                                              "tasks": tasks, "task_count": tasks.total})


@never_cache
def healthz(request):
    """Public: whether each part is up. Staff, or a monitor with HEALTHZ_TOKEN, also see versions and errors."""
    token = settings.HEALTHZ_TOKEN
    monitor = bool(token) and constant_time_compare(request.headers.get("X-Health-Token", ""), token)
    healthy, report = health(details=monitor or request.user.is_staff)
    return JsonResponse(report, status=200 if healthy else 503, json_dumps_params={"ensure_ascii": False})


def manifest(request):
    """The web app manifest (static/manifest.webmanifest), with its icons' static URLs (hashed in
    production) and the media type WhiteNoise does not know."""
    app = json.loads(Path(finders.find("manifest.webmanifest")).read_text(encoding="utf-8"))
    app["icons"] = [{**icon, "src": static(icon["src"])} for icon in app["icons"]]
    return JsonResponse(app, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


@cache_control(no_cache=True)
def service_worker(request):
    """The service worker, served from the site root so that its scope is the whole site. Its source,
    static/js/sw.js, is a template: {% static %} names the files it pre-caches (hashed in production)."""
    source = Path(finders.find("js/sw.js")).read_text(encoding="utf-8")
    body = engines["django"].from_string(source).render({})
    return HttpResponse(body, content_type="application/javascript; charset=utf-8")


def favicon(request):
    """Browsers ask for /favicon.ico on pages that name no icon (the admin's, a PDF's tab). The
    hashed name is looked up per request: at import time the manifest may not exist yet."""
    return HttpResponsePermanentRedirect(static("icons/icon-192.png"))
