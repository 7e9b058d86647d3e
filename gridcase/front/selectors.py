"""Reads for the home page: the user's one task list, gathered from every subject app."""

from gridcase.cases.selectors import tasks_for as case_tasks
from gridcase.deliberation.selectors import tasks_for as topic_tasks
from gridcase.hazards.selectors import tasks_for as hazard_tasks
from gridcase.lib.todo import Tasks, merged
from gridcase.requests.selectors import tasks_for as request_tasks

# Each says, from its own rules of who may act, what waits on a user (gridcase.lib.todo).
SOURCES = (case_tasks, hazard_tasks, request_tasks, topic_tasks)
LIMIT = 30


def home_tasks(*, user, limit: int = LIMIT) -> Tasks:
    """Everything waiting on this user in their jurisdiction — whatever their role, each app decides
    what it asks of them — overdue and soonest deadline first; `total` counts all of it."""
    return merged([source(user, limit=limit) for source in SOURCES], limit=limit)
