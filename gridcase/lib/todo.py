"""An item of someone's to-do list on the home page, whatever app it comes from.

Each subject app has a `tasks_for(user, limit=…)` selector that says, from its own rules of who
may act, what waits on this user; it returns `Tasks`: the first `limit` items, soonest deadline
first, and how many there are in all (the count the home page shows)."""

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Task:
    title: str
    what: str  # what is to be done, e.g. 待核实, 定期巡查, 民情诉求
    deadline: datetime | None
    url: str
    overdue: bool


class Tasks(list):
    """A list of Task (the first few) that knows how many there are in all."""

    def __init__(self, items=(), *, total: int | None = None):
        super().__init__(items)
        self.total = len(self) if total is None else total


def soonest_first(tasks: list[Task]) -> list[Task]:
    """By deadline, those without one last."""
    return sorted(tasks, key=lambda t: (t.deadline is None, t.deadline or datetime.min.replace(tzinfo=UTC)))


def merged(parts: list[Tasks], *, limit: int) -> Tasks:
    """Several apps' tasks as one list, soonest deadline first, with the sum of their totals."""
    return Tasks(soonest_first([task for part in parts for task in part])[:limit],
                 total=sum(getattr(part, "total", len(part)) for part in parts))
