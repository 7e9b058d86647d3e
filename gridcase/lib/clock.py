"""The current time, which the demo generator can move: services ask `clock.now()`, never the system.

Only `travel` changes it, and only inside its `with` block, so production code always sees
`timezone.now()`.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_frozen: ContextVar[datetime | None] = ContextVar("gridcase_clock", default=None)


def now() -> datetime:
    return _frozen.get() or timezone.now()


def today() -> date:
    """Today in the site's time zone (Asia/Shanghai): `now().date()` would be the UTC date, a day
    behind from midnight to 08:00."""
    return timezone.localdate(now())


@contextmanager
def travel(moment: datetime):
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
