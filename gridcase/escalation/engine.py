"""Applying the escalation rules to cases and hazards (each rule applies to one kind): on every
change of a case or hazard, and by the periodic sweep.

Exactly once: the caller holds the subject's row lock, a rule fires at most once per (rule, subject,
occasion) — a unique row in RuleFiring — and the sweep claims cases and hazards with FOR UPDATE SKIP
LOCKED, so two sweeps never look at the same one at the same time.
"""

import math
import time
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from gridcase.accounts.models import Role, User
from gridcase.accounts.selectors import users_covering
from gridcase.cases import services as case_services
from gridcase.cases.models import LEVEL_ORDER, Case
from gridcase.escalation.models import ASSIGNEES, Action, Anchor, Kind, Rule, RuleFiring
from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import Hazard
from gridcase.lib import clock
from gridcase.notifications.services import notify
from gridcase.workdays.selectors import add_working_days, is_workday, working_days_between

SWEEP_BATCH = 500
# Changes a firing makes can bring another rule into play (a new level); this bounds the chain.
MAX_FIRINGS_PER_EVALUATION = 4


_cache: dict = {"rules": None, "loaded": 0.0}
RULES_CACHE_SECONDS = 30


def clear_rules_cache(**kwargs) -> None:
    _cache["rules"] = None


def _active_rules() -> list[Rule]:
    # The rules are a small table read on every change of every case: keep them in memory. A save
    # clears this process's copy at once (signals in apps.py); other processes see it within 30 s.
    if _cache["rules"] is None or time.monotonic() - _cache["loaded"] > RULES_CACHE_SECONDS:
        _cache["rules"] = list(Rule.objects.filter(active=True).select_related("area")
                               .prefetch_related("categories", "hazard_categories").order_by("priority", "id"))
        _cache["loaded"] = time.monotonic()
    return _cache["rules"]


def rules_for(area_code: str, kind: str = Kind.CASE) -> list[Rule]:
    """Active rules of a kind for a place: the general ones, plus the county's and town's own, less those they override."""
    places = {area_code[:6], area_code[:9]}
    rules = [rule for rule in _active_rules()
             if rule.kind == kind and (rule.area_id is None or rule.area.code in places)]
    overridden = {rule.overrides_id for rule in rules if rule.overrides_id}
    return [rule for rule in rules if rule.pk not in overridden]


def _kind_of(subject: Case | Hazard) -> str:
    return Kind.HAZARD if isinstance(subject, Hazard) else Kind.CASE


def matches(rule: Rule, case: Case | Hazard) -> bool:
    """The conditions that do not depend on time."""
    if rule.kind != _kind_of(case):
        return False
    if isinstance(case, Hazard):
        return _matches_hazard(rule, case)
    return not (
        (rule.levels and case.level not in rule.levels)
        or (rule.states and case.state not in rule.states)
        or (rule.risk_at_least is not None and case.risk < rule.risk_at_least)
        or (rule.people_at_least is not None and case.people_involved < rule.people_at_least)
        or (rule.amount_at_least is not None and (case.amount or 0) < rule.amount_at_least)
        or (rule.violence_risk is not None and case.violence_risk != rule.violence_risk)
        or (rule.categories.all() and case.category_id not in {c.pk for c in rule.categories.all()})
    )


def _matches_hazard(rule: Rule, hazard: Hazard) -> bool:
    hazard_categories = {c.pk for c in rule.hazard_categories.all()}
    return not (
        (rule.levels and hazard.level not in rule.levels)
        or (rule.states and hazard.state not in rule.states)
        or (rule.risk_at_least is not None and hazard.severity < rule.risk_at_least)
        or (hazard_categories and hazard.category_id not in hazard_categories)
    )


# When each anchor happened, per kind: a hazard is "registered" when reported, "accepted" when verified.
_ANCHORS = {
    Kind.CASE: {Anchor.REGISTERED: "registered_at", Anchor.ACCEPTED: "accepted_at",
                Anchor.LEVEL_ENTERED: "level_entered_at"},
    Kind.HAZARD: {Anchor.REGISTERED: "reported_at", Anchor.ACCEPTED: "verified_at",
                  Anchor.LEVEL_ENTERED: "level_entered_at"},
}


def due_at(rule: Rule, case: Case | Hazard) -> datetime | None:
    """When a timed rule becomes due for this case or hazard; None if it cannot (its start has not happened)."""
    dues = []
    if rule.working_days is not None:
        start = getattr(case, _ANCHORS[_kind_of(case)][rule.anchor])
        if start is None:
            return None
        dues.append(add_working_days(start, rule.working_days))
    if rule.deadline_share is not None:
        start = case.rectifying_since if isinstance(case, Hazard) else case.level_entered_at
        if case.deadline is None or start is None:
            return None
        total = working_days_between(start, case.deadline)
        dues.append(add_working_days(start, math.ceil(total * rule.deadline_share / 100)))
    if rule.deadline_offset is not None:
        if case.deadline is None:
            return None
        offset = rule.deadline_offset
        dues.append(add_working_days(case.deadline, offset) if offset >= 0
                    else subtract_working_days(case.deadline, -offset))
    return max(dues)


def subtract_working_days(end: datetime, days: int) -> datetime:
    """The same time of day `days` working days before `end` (the calendar's working days, 调休 included)."""
    moment = end
    while days > 0:
        moment -= timedelta(days=1)
        if is_workday(timezone.localdate(moment)):
            days -= 1
    return moment


def occasion(case: Case | Hazard) -> str:
    """What a rule fires once for: a case's stay at its current level; a hazard's level and deadline
    (an approved extension is a new occasion, so the reminder before the new deadline goes out too)."""
    if isinstance(case, Hazard):
        return f"{case.level}@{int(case.deadline.timestamp()) if case.deadline else '-'}"
    entered = case.level_entered_at.isoformat() if case.level_entered_at else "-"
    return f"{case.level}@{entered}"


def _firings(subject: Case | Hazard):
    field = "hazard" if isinstance(subject, Hazard) else "case"
    return RuleFiring.objects.filter(**{field: subject, "key": occasion(subject)})


def _claim(rule: Rule, case: Case | Hazard, now: datetime) -> bool:
    field = "hazard" if isinstance(case, Hazard) else "case"
    try:
        with transaction.atomic():
            RuleFiring.objects.create(rule=rule, key=occasion(case), fired_at=now, **{field: case})
        return True
    except IntegrityError:
        return False


def _recipients(rule: Rule, case: Case | Hazard) -> list:
    roles = [r for r in rule.notify if r != ASSIGNEES]
    people = list(users_covering(code=case.area_code, roles=roles)) if roles else []
    if ASSIGNEES in rule.notify:
        if isinstance(case, Hazard):
            people += list(User.objects.filter(is_active=True, role=Role.GRID_WORKER, grids=case.grid_id))
        else:
            people += list(case.mediators.all())
    return people


def _apply_to_hazard(rule: Rule, hazard: Hazard) -> bool:
    """Hazards only escalate (their supervising level) or warn; other actions are for cases."""
    moved = False
    if rule.action in (Action.ESCALATE_ONE, Action.ESCALATE_TO):
        target = rule.target_level if rule.action == Action.ESCALATE_TO else None
        current = LEVEL_ORDER.index(hazard.level)
        if (LEVEL_ORDER.index(target) if target else current + 1) > current and current + 1 < len(LEVEL_ORDER):
            hazard_services.hazard_escalate(hazard=hazard, actor=None, reason=rule.reason, to_level=target, rule=rule,
                                            evaluate=False)
            moved = True
    else:
        hazard_services.hazard_note_rule(hazard=hazard, reason=rule.reason, rule=rule)
    hazard.refresh_from_db()
    recipients = _recipients(rule, hazard)
    if recipients:
        notify(recipients=recipients, kind=f"rule.{rule.action}", title=f"{hazard.number}：{rule.reason}",
               body=hazard.title, url=f"/hazards/{hazard.pk}/")
    return moved


def _apply(rule: Rule, case: Case | Hazard) -> bool:
    """Do the rule's action; True if the case moved (so that the rules must look again)."""
    if isinstance(case, Hazard):
        return _apply_to_hazard(rule, case)
    moved = False
    if rule.action in (Action.ESCALATE_ONE, Action.ESCALATE_TO):
        target = rule.target_level if rule.action == Action.ESCALATE_TO else None
        current = LEVEL_ORDER.index(case.level)
        if (LEVEL_ORDER.index(target) if target else current + 1) > current and current + 1 < len(LEVEL_ORDER):
            case_services.case_escalate(case=case, actor=None, reason=rule.reason, to_level=target, rule=rule,
                                        evaluate=False)
            moved = True
    elif rule.action == Action.REFER:
        case_services.case_refer(case=case, actor=None, to=rule.refer_to, reason=rule.reason, rule=rule, evaluate=False)
        moved = True
    elif rule.action == Action.SET_DEADLINE:
        case_services.case_set_deadline(case=case, deadline=add_working_days(clock.now(), rule.deadline_working_days),
                                        reason=rule.reason, rule=rule)
    else:
        case_services.case_note_rule(case=case, reason=rule.reason, rule=rule)
    case.refresh_from_db()
    recipients = _recipients(rule, case)
    if recipients:
        notify(recipients=recipients, kind=f"rule.{rule.action}", title=f"{case.number}：{rule.reason}",
               body=case.title, url=f"/cases/{case.pk}/")
    return moved


def evaluate(*, case: Case | None = None, hazard: Hazard | None = None, now: datetime | None = None,
             rules: list[Rule] | None = None) -> list[Rule]:
    """Fire the rules that are due for this case (or hazard) and remember when to look next. The
    caller holds its row lock. Returns the rules that fired."""
    if (case is None) == (hazard is None):
        raise TypeError("evaluate() takes a case or a hazard")
    case = case if case is not None else hazard
    now = now or clock.now()
    rules = rules_for(case.area_code, _kind_of(case)) if rules is None else rules
    fired: list[Rule] = []
    while len(fired) < MAX_FIRINGS_PER_EVALUATION:
        already = set(_firings(case).values_list("rule_id", flat=True))
        next_check = None
        moved = False
        for rule in rules:
            if rule.pk in already or not matches(rule, case):
                continue
            due = due_at(rule, case) if rule.is_timed else now
            if due is None:
                continue
            if due > now:
                next_check = min(next_check or due, due)
                continue
            if not _claim(rule, case, now):
                continue
            fired.append(rule)
            if _apply(rule, case):
                moved = True
                break
        if not moved:
            break
    if case.next_check_at != next_check:
        case.next_check_at = next_check
        type(case).objects.filter(pk=case.pk).update(next_check_at=next_check)
    return fired


def sweep(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH) -> int:
    """Evaluate every case and hazard whose next check is due. Safe to run in several workers at once.

    `now` (for tests and the demo) makes the whole sweep happen at that moment, events included.
    """
    with clock.travel(now) if now else nullcontext():
        return _sweep(now=clock.now(), batch_size=batch_size)


def _sweep(*, now: datetime, batch_size: int) -> int:
    return _sweep_kind(Case, "case", now=now, batch_size=batch_size) + _sweep_kind(
        Hazard, "hazard", now=now, batch_size=batch_size)


def _sweep_kind(model, field: str, *, now: datetime, batch_size: int) -> int:
    done = 0
    rules_by_town: dict[str, list[Rule]] = {}
    kind = Kind.HAZARD if model is Hazard else Kind.CASE
    while True:
        with transaction.atomic():
            batch = list(
                model.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(next_check_at__lte=now).select_related("category").order_by("next_check_at")[:batch_size]
            )
            for subject in batch:
                town = subject.area_code[:9]
                if town not in rules_by_town:
                    rules_by_town[town] = rules_for(subject.area_code, kind)
                evaluate(**{field: subject}, now=now, rules=rules_by_town[town])
        done += len(batch)
        if len(batch) < batch_size:
            return done
