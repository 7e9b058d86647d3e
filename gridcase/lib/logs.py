"""Logs a machine can read: one JSON object per line, each carrying the id of the request (or the
Celery task) it came from, so that one user's failed click can be followed through every process."""

import contextvars
import json
import logging
import re
import uuid

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

# An id from the proxy in front (nginx's $request_id) is kept if it looks like one.
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def new_request_id(offered: str | None = None) -> str:
    return offered if offered and _ACCEPTABLE_ID.match(offered) else uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request or task being handled (handlers run in its thread)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
