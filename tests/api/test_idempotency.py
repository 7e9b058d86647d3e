"""Idempotency-Key on POST: a retry gets the first answer; a reused key with another body is refused."""

import uuid

import pytest

from gridcase.api.models import IdempotencyRecord
from gridcase.cases.models import Case
from tests.api.test_cases_api import new_case_body

pytestmark = pytest.mark.django_db


def test_the_same_key_and_body_returns_the_first_answer_once(api, users):
    worker = api("worker")
    body = new_case_body(users["worker"])
    body.pop("client_id")  # nothing else makes the two requests the same submission
    first = worker.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="retry-7f3a")
    again = worker.post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="retry-7f3a")

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Location"] == first["Location"]
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1


def test_the_same_key_with_another_body_is_a_422(api, users):
    worker = api("worker")
    worker.post("/api/v1/cases/", new_case_body(users["worker"]), HTTP_IDEMPOTENCY_KEY="k-1")
    other = worker.post("/api/v1/cases/", new_case_body(users["worker"], title="另一件事"), HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["type"] == "/api/v1/problems/idempotency-key-reused"
    assert Case.objects.count() == 1


def test_keys_belong_to_their_sender(api, users):
    body = new_case_body(users["worker"])
    api("worker").post("/api/v1/cases/", body, HTTP_IDEMPOTENCY_KEY="shared")
    # Another client using the same key string is a different submission, not a replay of the worker's.
    response = api("cadre").post("/api/v1/cases/", {**body, "client_id": str(uuid.uuid4())},
                                 HTTP_IDEMPOTENCY_KEY="shared")
    assert "Idempotent-Replayed" not in response
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


def test_a_failed_first_attempt_does_not_block_the_retry(api, users):
    worker = api("worker")
    invalid = worker.post("/api/v1/cases/", {"title": ""}, HTTP_IDEMPOTENCY_KEY="k-2")
    assert invalid.status_code == 400
    # A 4xx is an answer too: the same request gets it again rather than running twice.
    assert worker.post("/api/v1/cases/", {"title": ""}, HTTP_IDEMPOTENCY_KEY="k-2")["Idempotent-Replayed"] == "true"
