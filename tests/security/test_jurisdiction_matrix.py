"""The jurisdiction matrix, generated over every URL pattern that names an object: for each role of
the other town (耿车镇), every object of 屠园镇/古河村 must answer 403, 404 or 405 — to GET, to POST, and
to every action — never its content and never a success. A new route with an object parameter this
test does not know fails it until a factory is added below."""

import math
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver

from gridcase.cases import services as case_services
from gridcase.cases.actions import ACTIONS as CASE_ACTIONS
from gridcase.cases.views import SPECIAL as CASE_SPECIAL
from gridcase.dashboards import services as dashboard_services
from gridcase.deliberation import services as deliberation_services
from gridcase.deliberation.actions import ACTIONS as TOPIC_ACTIONS
from gridcase.deliberation.models import State as TopicState
from gridcase.escalation.models import Rule
from gridcase.hazards import inspections
from gridcase.hazards.actions import ACTIONS as HAZARD_ACTIONS
from gridcase.hazards.models import InspectionTask
from gridcase.lib import clock
from gridcase.notifications.services import notify
from gridcase.patrols import services as patrol_services
from gridcase.patrols.actions import ACTIONS as PATROL_ACTIONS
from gridcase.requests import lists as request_lists
from gridcase.requests import services as request_services
from gridcase.requests.actions import ACTIONS as REQUEST_ACTIONS
from gridcase.requests.models import Office, RequestCategory
from tests.conftest import TUYUAN
from tests.deliberation.conftest import item, make_topic, meeting, supervisor, village  # noqa: F401
from tests.hazards.conftest import fire, make_hazard, media  # noqa: F401
from tests.images import PNG
from tests.patrols.conftest import walk

pytestmark = pytest.mark.django_db

FOREIGN = ["worker2", "mediator2", "cadre2", "leader2", "adviser2"]
REFUSED = {403, 404, 405}
# Public by design (no login, no personal data): tested in tests/deliberation and tests/open311 (the
# Open311 service catalogue; its service requests are in the matrix, and by token in tests/open311).
PUBLIC = ("public/", "open311/discovery", "open311/v2/services")
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")

ACTIONS_BY_PREFIX = {
    "cases/": [*CASE_ACTIONS, *CASE_SPECIAL],
    "hazards/": [*HAZARD_ACTIONS, "photo", "plan"],
    "deliberation/": list(TOPIC_ACTIONS),
    "api/v1/cases/": [name for name in CASE_ACTIONS if name != "edit"],
    "requests/": list(REQUEST_ACTIONS),
    "patrols/": list(PATROL_ACTIONS),
    "api/v1/hazards/": list(HAZARD_ACTIONS),
    "api/v1/patrols/": list(PATROL_ACTIONS),
    "api/v1/requests/": list(REQUEST_ACTIONS),
    "api/v1/topics/": list(TOPIC_ACTIONS),
}


def routes():
    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern):
                yield prefix + str(pattern.pattern)

    for route in walk(get_resolver().url_patterns):
        if PARAM.search(route) and not route.startswith(("admin/", *PUBLIC)):
            yield route


@pytest.fixture
def home(users, make_case, make_hazard, make_topic):  # noqa: F811
    """One of everything, in 屠园镇 / 古河村, made through the services."""
    photo = lambda: SimpleUploadedFile("现场.png", PNG)  # noqa: E731
    case = make_case()
    attachment = case_services.case_attach(case=case, actor=users["worker"], upload=photo())
    hazard = make_hazard(photos=[photo()])
    inspections.plan_create(actor=users["cadre"], title="危房月查", location=hazard.location, interval="monthly",
                            assignee=users["worker"], starts_on=clock.today(), hazard=hazard)
    inspections.create_due_tasks()
    topic = make_topic(TopicState.EXECUTING)
    progress = deliberation_services.progress_add(topic=topic, actor=users["cadre"], note="已清理一辆", photos=[photo()])
    objected = make_topic(TopicState.OBJECTED, title="楼道杂物清理")
    agenda = topic.agenda_items.first()
    rule = Rule.objects.create(name="屠园镇：调解期限提醒", reason="期限将至", area_id=users["leader"].area_id,
                               action="notify", deadline_share=50, notify=["assignees"])
    notification = notify(recipients=[users["cadre"]], kind="test.matrix", title="只给古河村干部")[0]
    today = clock.today()
    grid = users["worker"].grids.order_by("code").first()
    start = (grid.geom.point_on_surface.x, grid.geom.point_on_surface.y)
    resident_request = request_services.request_register(
        actor=users["worker"], matter="路灯不亮", category=RequestCategory.objects.first(), received_on=today,
        location=grid.geom.point_on_surface, client_id=uuid.UUID("0b6f3c2e-7d41-4a8e-9c15-3f2a1e0d9b84"),
        photos=[photo()])
    three_list = request_lists.three_list_generate(village=users["cadre"].area, year=today.year,
                                                   quarter=(today.month - 1) // 3 + 1, actor=users["cadre"])
    office = Office.objects.create(code="TY-ZZB", name="屠园镇综治办", town_id=users["leader"].area_id)
    patrol = patrol_services.patrol_create(actor=users["worker"], grid=grid)
    patrol_services.track_ingest(patrol=patrol, actor=users["worker"], points=walk(start, clock.now(), n=5))
    dispatch = patrol_services.dispatch_create(actor=users["leader"], location=grid.geom.point_on_surface, note="邻里争吵")
    export = dashboard_services.export_request(actor=users["leader"], kind="mediation_ledger", code=TUYUAN,
                                               start=today.replace(day=1), end=today)
    return {
        "request_id": resident_request.pk, "list_id": three_list.pk, "office_id": office.pk, "patrol_id": patrol.pk,
        "dispatch_id": dispatch.pk, "export_id": export.pk,
        "case_id": case.pk, "attachment_id": attachment.pk, "hazard_id": hazard.pk,
        "task_id": InspectionTask.objects.get(plan__hazard=hazard).pk, "rule_id": rule.pk,
        "topic_id": topic.pk, "meeting_id": agenda.meeting_id, "item_id": agenda.pk,
        "objection_id": objected.objections.get().pk, "notification_id": notification.pk,
        "village_code": users["cadre"].area.code, "town_code": TUYUAN, "code": TUYUAN, "fmt": "xlsx",
        ("open311/", "fmt"): "json", ("open311/", "service_request_id"): resident_request.number,
        ("open311/", "token_id"): str(resident_request.client_id),
        ("hazards/", "photo_id"): hazard.photos.first().pk, ("deliberation/", "photo_id"): progress.photos.first().pk,
        ("requests/", "photo_id"): resident_request.photos.get().pk,
        ("deliberation/<int:topic_id>/objections/", "topic_id"): objected.pk,
        **_tile_of(grid.geom.point_on_surface),
    }


def _tile_of(point, z=14) -> dict:
    """The basemap tile (web-mercator z/x/y) that holds `point`."""
    n = 2 ** z
    x = int((point.x + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(point.y))) / math.pi) / 2 * n)
    return {("api/geodata/tiles/", "z"): z, ("api/geodata/tiles/", "x"): x, ("api/geodata/tiles/", "y"): y}


def fill(route: str, values: dict) -> list[str]:
    """The route with the home objects' ids; one URL per action where the route takes an action."""
    def value(name):
        for key in ((route[:route.index("/") + 1], name), (route.split("<")[0], name), name):
            if key in values:
                return str(values[key])
        raise AssertionError(f"no object for <{name}> in {route}: add one to the `home` fixture")

    urls = [route]
    for match in PARAM.finditer(route):
        name = match.group(1) or match.group(2)
        if name in ("action", "name"):
            actions = next(acts for prefix, acts in sorted(ACTIONS_BY_PREFIX.items(), key=lambda kv: -len(kv[0]))
                           if route.startswith(prefix))
            urls = [u.replace(match.group(0), action) for u in urls for action in actions]
        else:
            urls = [u.replace(match.group(0), value(name)) for u in urls]
    return ["/" + u.lstrip("^").rstrip("$").replace("\\.", ".") for u in urls]


def test_no_role_of_another_town_reaches_anything_of_this_one(client, users, home):
    checked, leaks = 0, []
    urls = [url for route in routes() for url in fill(route, home)]
    for username in FOREIGN:
        client.force_login(users[username])
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                checked += 1
                if response.status_code not in REFUSED:
                    leaks.append(f"{username} {method.upper()} {url} → {response.status_code}")
    assert leaks == []
    assert checked >= len(FOREIGN) * 2 * 60, checked


def test_the_matrix_covers_every_object_route():
    covered = {route for route in routes()}
    assert {"cases/<int:case_id>/", "hazards/<int:hazard_id>/", "deliberation/<int:topic_id>/",
            "api/v1/cases/<int:case_id>/"} <= covered
    api = {"api/v1/cases/<int:case_id>/sessions/", "api/v1/cases/<int:case_id>/agreement",
           "api/v1/cases/<int:case_id>/follow-ups/", "api/v1/hazards/<int:hazard_id>/transitions/<str:name>",
           "api/v1/patrols/<int:patrol_id>/track/", "api/v1/patrols/<int:patrol_id>/check-ins/",
           "api/v1/requests/<int:request_id>/transitions/<str:name>", "api/v1/topics/<int:topic_id>/events/",
           "api/v1/meetings/<int:meeting_id>/"}
    assert api <= covered, api - covered
