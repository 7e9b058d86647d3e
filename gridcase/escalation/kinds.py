"""What the rules apply to: a registry of kinds of subject (cases, hazards, resident requests,
deliberation topics…), each described by its own app in `<app>/rules.py`, found by
EscalationConfig.ready — as the dashboards find `<app>/measures.py`:

    from gridcase.escalation.kinds import SubjectKind, register

    class RequestKind(SubjectKind):
        key, label, model = "request", _("民情诉求"), Request
        conditions = ("states", "request_kinds")
        ...

    register(RequestKind())

A kind says how the time-free conditions of a rule match one of its subjects, when its time
anchors happened and what its deadline is, what a rule fires once for (the occasion), what each
action does (through its app's services: only services change status), who its assignees are, and
where it is shown. The engine (engine.py) knows nothing else about any model.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from gridcase.escalation.models import ASSIGNEES, Action, Kind, Rule


@dataclass(frozen=True)
class Notice:
    """The notification a rule's firing sends to its recipients."""

    kind: str
    title: str
    body: str = ""


# Conditions every kind can use: when (time anchors, share of the time limit, days around the deadline).
TIMING = ("working_days", "anchor", "deadline_share", "deadline_offset")


class SubjectKind:
    key: str
    label: str
    model: type[models.Model]
    # The Rule fields that restrict this kind (besides TIMING) and the actions a rule of it may take.
    conditions: tuple[str, ...] = ("states",)
    actions: tuple[str, ...] = (Action.NOTIFY,)
    actions_error = _("该类规则只能通知")
    # Rule.Anchor → the attribute holding when that happened (a kind without one cannot use it).
    anchors: dict[str, str] = {}
    # Whom a rule of this kind can notify besides roles (Rule.notify values: ASSIGNEES, SUPERVISORS).
    groups: tuple[str, ...] = (ASSIGNEES,)
    # True: a reminder timed before the deadline is not sent once the deadline has passed (the
    # overdue notice says it all); cases and hazards send it late rather than never.
    reminders_lapse = False
    sweep_related: tuple[str, ...] = ()

    def state_choices(self) -> list[tuple[str, str]]:
        return list(self.model._meta.get_field("state").choices)

    def area_code(self, subject) -> str:
        """The code whose town's rules apply and whose people a role means (grid, village…)."""
        return subject.area_code

    def matches(self, rule: Rule, subject) -> bool:
        """The conditions that do not depend on time (the base: states)."""
        return not (rule.states and subject.state not in rule.states)

    def deadline(self, subject) -> datetime | None:
        return subject.deadline

    def share_start(self, subject) -> datetime | None:
        """Where a time limit starts, for `deadline_share` (a share of the limit gone by)."""
        return None

    def occasion(self, subject) -> str:
        """What a rule fires once for (by default: the current deadline; a new one is a new occasion)."""
        deadline = self.deadline(subject)
        return f"{subject.state}@{int(deadline.timestamp()) if deadline else '-'}"

    def apply(self, rule: Rule, subject) -> bool:
        """Do the rule's action through the app's services; True if the subject moved, so that the
        rules must look again. The subject's row is locked by the caller."""
        raise NotImplementedError

    def people(self, group: str, subject) -> list:
        """The users of a group (ASSIGNEES…) for this subject."""
        return []

    def notice(self, rule: Rule, subject) -> Notice:
        return Notice(kind=f"rule.{rule.action}", title=f"{subject.number}：{rule.reason}")

    def url(self, subject) -> str:
        raise NotImplementedError


KINDS: dict[str, SubjectKind] = {}
_BY_MODEL: dict[type, SubjectKind] = {}


def register(kind: SubjectKind) -> SubjectKind:
    if kind.key in KINDS and type(KINDS[kind.key]) is not type(kind):
        raise ValueError(f"subject kind {kind.key!r} registered twice")
    if kind.key not in Kind.values:
        raise ValueError(f"subject kind {kind.key!r} is not a Rule.kind choice")
    KINDS[kind.key] = kind
    _BY_MODEL[kind.model] = kind
    return kind


def get(key: str) -> SubjectKind:
    return KINDS[key]


def of(subject) -> SubjectKind:
    try:
        return _BY_MODEL[type(subject)]
    except KeyError:
        raise TypeError(f"no rules apply to {type(subject).__name__}") from None


def all_kinds() -> list[SubjectKind]:
    return list(KINDS.values())
