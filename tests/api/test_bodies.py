"""Request bodies are bounded and parsed in one place: a body nested too deep, a NaN, a body too
large or not JSON is a 400 problem document on every write — never a 500 — and nothing is written."""

import json

import pytest

from gridcase.api.parsers import MAX_DEPTH, canonical, too_deep
from gridcase.cases.models import Case
from tests.api.test_cases_api import new_case_body

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000  # 2 KB: a RecursionError in the stock parser
PROBLEM = "/api/v1/problems/malformed-request"


def send(client, method, path, raw: str | bytes, **headers):
    return getattr(client, method)(path, raw, content_type="application/json", **headers)


@pytest.fixture
def writes(api, make_case):
    case = make_case()
    return api("cadre"), [("post", "/api/v1/cases/", {}), ("patch", f"/api/v1/cases/{case.pk}/", {"HTTP_IF_MATCH": '"1"'}),
                          ("post", f"/api/v1/cases/{case.pk}/transitions/accept", {"HTTP_IF_MATCH": '"1"'})], case


@pytest.mark.parametrize("raw", [
    '{"title": ' + DEEP + "}",
    DEEP,
    '{"title": "院墙", "lon": NaN, "lat": 33.9}',
    '{"people_involved": Infinity}',
    '{"title": "未闭合',
    b'{"title": "\xff\xfe"}',
], ids=["deep-field", "deep", "nan", "infinity", "truncated", "not-utf8"])
def test_a_malformed_body_is_a_400_problem_on_every_write_and_changes_nothing(client, writes, raw):
    cadre, paths, case = writes
    for method, path, headers in paths:
        response = send(client, method, path, raw, HTTP_AUTHORIZATION=cadre.auth, **headers)
        assert response.status_code == 400, (method, path, response.content[:200])
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["type"] == PROBLEM and response.json()["detail"]
    case.refresh_from_db()
    assert case.version == 1 and Case.objects.count() == 1


def test_a_body_over_the_size_limit_is_refused(client, writes, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    cadre, paths, _case = writes
    response = send(client, "post", "/api/v1/cases/", json.dumps({"title": "长" * 2000}), HTTP_AUTHORIZATION=cadre.auth)
    assert response.status_code == 400 and "过大" in response.json()["detail"]


def test_honest_nesting_passes_and_brackets_inside_strings_are_text():
    assert not too_deep(b'{"a": [[[[1]]]]}')
    assert not too_deep(('{"title": "' + "[" * 500 + '"}').encode())
    assert not too_deep(("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode())
    assert too_deep(("[" * (MAX_DEPTH + 1)).encode())
    assert not too_deep(b'{"t": "a \\" [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ b"}')


def test_the_same_json_spaced_otherwise_is_the_same_idempotent_request(api, users, client):
    worker = api("worker")
    body = new_case_body(users["worker"])
    tight = json.dumps(body, separators=(",", ":"))
    loose = json.dumps(dict(reversed(list(body.items()))), indent=2, ensure_ascii=False)
    assert canonical(tight.encode()) == canonical(loose.encode())
    first = send(client, "post", "/api/v1/cases/", tight, HTTP_AUTHORIZATION=worker.auth, HTTP_IDEMPOTENCY_KEY="sp-1")
    again = send(client, "post", "/api/v1/cases/", loose, HTTP_AUTHORIZATION=worker.auth, HTTP_IDEMPOTENCY_KEY="sp-1")
    assert first.status_code == again.status_code == 201, again.content[:300]
    assert again["Idempotent-Replayed"] == "true" and Case.objects.count() == 1
