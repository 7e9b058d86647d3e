"""The installable app: the manifest, its icons, and the service worker served from the site root."""

import json
import re
import struct

import pytest
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.management import call_command
from django.templatetags.static import static

from tests.conftest import ROOT

pytestmark = pytest.mark.django_db

STATIC = ROOT / "static"


@pytest.fixture
def static_served(settings):
    """WhiteNoise serves the source files, as it does in development (pytest turns DEBUG off)."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_every_page_links_the_manifest_and_it_describes_the_app(client, static_served):
    page = client.get("/accounts/login/").content.decode()
    href = re.search(r'<link rel="manifest" href="([^"]+)"', page).group(1)
    assert '<meta name="theme-color" content="#1f5fa8">' in page

    response = client.get(href)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "gridcase 网格化矛盾纠纷调处" and manifest["short_name"] == "gridcase"
    assert (manifest["lang"], manifest["start_url"], manifest["display"]) == ("zh-CN", "/", "standalone")
    css = (STATIC / "css/app.css").read_text()
    assert f"--accent: {manifest['theme_color']}" in css and f"--bg: {manifest['background_color']}" in css
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    for icon in manifest["icons"]:
        size = int(icon["sizes"].split("x")[0])
        assert icon["src"] == static(f"icons/icon-{size}.png")
        assert png_size(b"".join(client.get(icon["src"]).streaming_content)) == (size, size)


def test_the_service_worker_is_served_from_the_root_and_precaches_the_shell(client):
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    assert "{%" not in body
    shell = ["css/app.css", *(f"js/{p.name}" for p in (STATIC / "js").glob("*.js") if p.name != "sw.js"),
             *(str(p.relative_to(STATIC)) for p in (STATIC / "vendor/leaflet-1.9.4").rglob("*.*")
               if p.name != "LICENSE" and p.suffix != ".map")]  # source maps are for developers, not phones
    missing = [path for path in shell if f'"{static(path)}"' not in body]
    assert not missing, f"add these to the SHELL list in static/js/sw.js: {missing}"
    for url in ('"/cases/new/"', '"/api/geodata/areas/?level=grid"', '"/accounts/logout/"'):
        assert url in body


class HashedStorage(ManifestStaticFilesStorage):
    """Production's hashed names, less the rewriting of source map comments: the vendored leaflet.js
    names a leaflet.js.map that is not vendored, on which collectstatic fails."""

    patterns = ManifestStaticFilesStorage.patterns[:1]  # *.css only


def test_in_production_the_service_worker_precaches_the_hashed_files(client, settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": f"{__name__}.HashedStorage"}}
    call_command("collectstatic", "--noinput", verbosity=0)

    body = client.get("/sw.js").content.decode()

    hashed = re.search(r'"(/static/js/outbox\.[0-9a-f]{12}\.js)"', body)
    assert hashed and (tmp_path / hashed.group(1).removeprefix("/static/")).exists()
    assert '"/static/js/outbox.js"' not in body
