"""Open311 is driven as its clients drive it: a plain HTTP client (urllib) against a real server process,
form-encoded POSTs as in the GeoReport examples, answers read as JSON or parsed as XML. What the
tests create is committed (the server is another process) and truncated after each test."""

import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.db import connection

from gridcase.accounts.models import User
from gridcase.api.models import ApiToken, Scope
from gridcase.lib import clock


@dataclass
class Answer:
    status: int
    headers: dict
    body: bytes

    def json(self):
        assert self.headers["Content-Type"] == "application/json; charset=utf-8", self.headers["Content-Type"]
        return json.loads(self.body)

    def xml(self) -> ET.Element:
        assert self.headers["Content-Type"] == "text/xml; charset=utf-8", self.headers["Content-Type"]
        assert self.body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), self.body[:60]
        return ET.fromstring(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


class GeoReport:
    """GET and form-encoded POST against /open311/v2/, nothing else: no cookies, no CSRF token."""

    def __init__(self, base_url: str):
        self.site, self.base = base_url, base_url + "/open311/v2/"

    def url(self, path: str) -> str:
        return self.site + path if path.startswith("/") else self.base + path

    def _open(self, request: urllib.request.Request) -> Answer:
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return Answer(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Answer(error.code, dict(error.headers), error.read())

    def get(self, path: str, headers: dict | None = None, **params) -> Answer:
        query = f"?{urllib.parse.urlencode(params)}" if params else ""
        return self._open(urllib.request.Request(self.url(path) + query, headers=headers or {}))

    def post(self, path: str, form: dict, headers: dict | None = None) -> Answer:
        body = urllib.parse.urlencode(form).encode()
        return self._open(urllib.request.Request(
            self.url(path), data=body, method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}))


@pytest.fixture
def georeport(live_url, open311_committed):
    return GeoReport(live_url)


@pytest.fixture
def open311_committed(committed, django_db_blocker):
    """Real commits; the requests and hazards made are truncated after (tokens by `committed`)."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE requests_requestevent, requests_request, requests_requestnumbercounter,"
                       " hazards_hazard, hazards_hazardnumbercounter RESTART IDENTITY CASCADE")


@pytest.fixture
def key_for(open311_committed):
    """key_for("worker") → a committed API token's key for that demo user (read and write unless told)."""

    def make(username: str, scopes=(Scope.READ, Scope.WRITE)) -> str:
        token = ApiToken(user=User.objects.get(username=username), name="12345 热线平台", scopes=list(scopes),
                         expires_at=clock.now() + timedelta(days=30))
        key = token.issue_key()
        token.save()
        return key

    return make


@pytest.fixture
def world(open311_committed):
    return {user.username: user for user in User.objects.select_related("area")}


def first_grid(user):
    return user.grids.order_by("code").first()


def inside(grid):
    """(lat, long) of a point inside the grid, as strings the way a client sends them."""
    point = grid.geom.point_on_surface
    return f"{point.y:.7f}", f"{point.x:.7f}"
