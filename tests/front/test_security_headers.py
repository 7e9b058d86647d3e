"""Headers every response carries, and the rule that keeps the CSP honest: no inline scripts."""

import re

from django.test import override_settings

from gridcase.front.middleware import content_security_policy
from tests.conftest import ROOT

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.IGNORECASE)


def test_pages_carry_a_csp_without_inline_scripts(client):
    response = client.get("/accounts/login/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=(self)" in response.headers["Permissions-Policy"]


@override_settings(BASEMAP_URL="https://{s}.tiles.example.gov.cn/{z}/{x}/{y}.png")
def test_a_configured_basemap_is_allowed_to_load_tiles():
    hosts = " ".join(f"https://{s}.tiles.example.gov.cn" for s in "abc")
    assert f"img-src 'self' data: blob: {hosts};" in content_security_policy()


@override_settings(BASEMAP="tianditu", TIANDITU_KEY="k")
def test_the_tianditu_preset_may_load_from_its_eight_servers_and_nowhere_else():
    img = content_security_policy().split("img-src ")[1].split(";")[0].split()
    assert img == ["'self'", "data:", "blob:", *(f"https://t{n}.tianditu.gov.cn" for n in range(8))]


def test_no_template_runs_inline_script():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        offenders += [f"{template.relative_to(ROOT)}: {m.group(0)[:60]}" for m in INLINE_HANDLER.finditer(text)]
        offenders += [f"{template.relative_to(ROOT)}: {m.group(0)[:60]}" for m in INLINE_SCRIPT.finditer(text)]
    assert offenders == []


def test_what_a_signed_in_person_sees_is_never_stored_by_a_browser_or_proxy(client, users):
    assert "Cache-Control" not in client.get("/favicon.ico").headers  # nobody's data: left to the defaults
    client.force_login(users["worker"])
    assert client.get("/").headers["Cache-Control"] == "private, no-store"
    assert client.get("/api/v1/cases/").headers["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get("/open311/v2/services.json", {"api_key": "x"}).headers["Cache-Control"] == "private, no-store"
