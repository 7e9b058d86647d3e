"""An item of someone's to-do list on the home page, whatever app it comes from."""

from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class Task:
    title: str
    what: str  # what is to be done, e.g. 待核实, 定期巡查, 民情诉求
    deadline: datetime | None
    url: str
    overdue: bool


def soonest_first(tasks: list[Task]) -> list[Task]:
    """By deadline, those without one last."""
    return sorted(tasks, key=lambda t: (t.deadline is None, t.deadline or datetime.min.replace(tzinfo=UTC)))
