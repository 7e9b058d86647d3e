"""Each request has an id: echoed in the response, stamped on every log line written meanwhile."""

import io
import json
import logging
import re

import pytest

from gridcase.lib.logs import JsonFormatter, RequestIdFilter


@pytest.fixture
def json_log():
    """The console handler's set-up (filter and JSON formatter) writing into a buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    yield stream
    logger.removeHandler(handler)


def test_a_request_gets_an_id_and_its_log_lines_carry_it(client, json_log):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert line["request_id"] == request_id and line["level"] == "WARNING" and "/no-such-page/" in line["message"]


def test_the_proxys_request_id_is_kept_and_a_forged_one_replaced(client):
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="nginx-7f3a9c2e").headers["X-Request-ID"] == "nginx-7f3a9c2e"
    forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\nSet-Cookie: a=b").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", forged)


def test_lines_outside_a_request_say_so():
    record = logging.LogRecord("gridcase", logging.ERROR, __file__, 1, "beat 心跳丢失", None, None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line == {**line, "request_id": "-", "message": "beat 心跳丢失", "level": "ERROR"}
