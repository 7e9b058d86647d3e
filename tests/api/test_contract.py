"""The API against its own OpenAPI schema, with generated requests (Schemathesis), on a real server:
no 500s, responses that match the schema (nullability included), and nothing from outside the
caller's jurisdiction — for every role, on data that holds every subject in its states and with its
optional fields empty (a request without a place, a meeting without one, a finished patrol, a topic
not yet on an agenda…), since a schema is only checked by what the responses carry.

Bounded for the suite (CONTRACT_EXAMPLES a role and operation); the longer run, with more examples
and the stateful phase, is `make contract`."""

import json
import os
import urllib.request
from datetime import timedelta

import pytest
import schemathesis
from django.db import connection
from hypothesis import HealthCheck, given, settings

from gridcase.accounts.models import User
from gridcase.cases import services as case_services
from gridcase.deliberation import services as deliberation
from gridcase.deliberation.models import ListItem
from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import HazardCategory
from gridcase.lib import clock
from gridcase.patrols import services as patrol_services
from gridcase.requests import services as request_services
from gridcase.requests.models import Kind, Office, RequestCategory
from tests.conftest import GENGCHE
from tests.deliberation.conftest import ATTENDEES
from tests.patrols.conftest import walk

pytestmark = pytest.mark.usefixtures("committed")

# Schema-valid is not always acceptable (a point in another town, an unknown code): a 4xx for it is
# the business rules speaking, not a contract broken.
EXCLUDED = [schemathesis.checks.ignored_auth, schemathesis.checks.positive_data_acceptance]
EXAMPLES = int(os.environ.get("CONTRACT_EXAMPLES", "3"))  # a role and operation: finds the 500s, keeps the suite quick
STATEFUL = os.environ.get("CONTRACT_STATEFUL") == "1"
ROLES = ("worker", "mediator", "cadre", "adviser", "leader", "admin")
SUBJECT_TABLES = ("requests_request, requests_requestevent, requests_requestnumbercounter, hazards_hazard, "
                  "hazards_hazardnumbercounter, patrols_patrol, patrols_trackpoint, patrols_patrolevent, "
                  "deliberation_topic, deliberation_topicevent, deliberation_meeting")


@pytest.fixture
def every_state(make_case, django_db_blocker):
    """Each subject in the states a client meets, with its optional fields empty where they can be."""
    worker, cadre = User.objects.get(username="worker"), User.objects.get(username="cadre")
    grid = worker.grids.order_by("code").first()
    here = grid.geom.point_on_surface

    make_case()
    case_services.case_accept(case=make_case(title="两户因宅基地界址争执"), actor=cadre, note="受理")
    make_case(username="worker2")  # in 耿车镇: must never show up in the others' answers
    hazard_services.hazard_report(actor=worker, title="楼道堆放杂物", category=HazardCategory.objects.first(),
                                  location=here)

    category = RequestCategory.objects.get(code="road")
    located = request_services.request_register(actor=worker, matter="村口路灯坏了", category=category,
                                                received_on=clock.today(), location=here)
    request_services.request_register(actor=cadre, matter="想了解低保申请", category=category,
                                      received_on=clock.today(), village=cadre.area)  # no place, no reporter
    request_services.request_triage(request=located, actor=cadre, kind=Kind.MAJOR,
                                    office=Office.objects.filter(town=None).first())
    request_services.request_merge(request=request_services.request_register(
        actor=worker, matter="路灯又坏了", category=category, received_on=clock.today(), location=here),
        into=located, actor=cadre)

    deliberation.meeting_create(actor=cadre, village=cadre.area, held_at=clock.now() - timedelta(days=1), place="村委会",
                                # and no map point:
                                attendees=[deliberation.AttendeeInput(role=r, name=n, present=p) for r, n, p in ATTENDEES])
    deliberation.topic_propose(actor=worker, village=cadre.area, list_item=ListItem.objects.first(),
                               title="清理僵尸车", description="两辆废弃轿车占用车位")  # no meeting, no decision

    patrol_services.patrol_create(actor=worker, grid=grid)  # ongoing, no track yet
    finished = patrol_services.patrol_create(actor=worker, grid=worker.grids.order_by("code").last())
    start = finished.grid.geom.point_on_surface
    patrol_services.track_ingest(patrol=finished, actor=worker, points=walk((start.x, start.y), clock.now(), n=8))
    patrol_services.patrol_finish(patrol=finished, actor=worker)
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {SUBJECT_TABLES} RESTART IDENTITY CASCADE")


def _schema(live_url):
    with urllib.request.urlopen(f"{live_url}/api/v1/schema/?format=json", timeout=30) as response:
        return schemathesis.openapi.from_dict(json.load(response))


def test_the_api_keeps_its_contract_for_every_role(live_url, every_state, token_for):
    schema = _schema(live_url)
    tried, failures = set(), []
    for role in ROLES:
        headers = {"Authorization": f"Bearer {token_for(role)}"}
        for result in schema.get_all_operations():
            operation = result.ok()
            tried.add(operation.label)

            @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                      database=None)
            @given(case=operation.as_strategy())
            def keeps_contract(case):  # called at once, in this turn of the loop: its role and headers
                response = case.call_and_validate(base_url=live_url, headers=headers,  # noqa: B023
                                                  excluded_checks=EXCLUDED)
                assert response.status_code < 500
                if role != "admin":  # noqa: B023 — the county admin sees every town
                    assert GENGCHE not in response.text, "an answer leaked another town's data"

            try:
                keeps_contract()
            except (Exception, BaseExceptionGroup) as exc:  # every operation is tried; the failures are listed together
                failures.append(f"{role} {operation.label}: {str(exc)[:1500]}")
    print(f"contract: {len(tried)} operations × {len(ROLES)} roles × {EXAMPLES} examples")
    assert not failures, "\n\n".join(failures)
    assert len(tried) >= 40, tried
    # The schema's paths are whole (/api/v1/…): the base is the server (with /api/v1 on it as well,
    # every request was a 404 from the catch-all, and the test proved nothing).
    assert {"POST /api/v1/hazards/{hazard_id}/transitions/{name}", "POST /api/v1/patrols/{patrol_id}/track/",
            "GET /api/v1/requests/", "GET /api/v1/meetings/{meeting_id}/", "GET /api/v1/measures/",
            "GET /api/v1/heat/"} <= tried


@pytest.mark.skipif(not STATEFUL, reason="the stateful phase is part of `make contract`")
def test_the_api_keeps_its_contract_through_linked_calls(live_url, every_state, token_for):
    schema = _schema(live_url)
    headers = {"Authorization": f"Bearer {token_for('cadre')}"}
    machine = schema.as_state_machine()

    class Cadre(machine):
        def get_call_kwargs(self, case):
            return {"base_url": live_url, "headers": headers}

        def validate_response(self, response, case, **kwargs):
            case.validate_response(response, excluded_checks=EXCLUDED)
            assert response.status_code < 500

    Cadre.TestCase.settings = settings(max_examples=EXAMPLES, stateful_step_count=6, deadline=None,
                                       suppress_health_check=list(HealthCheck), database=None)
    Cadre.TestCase().runTest()
