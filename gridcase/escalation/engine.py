"""Applying the rules to their subjects — cases, hazards, resident requests, deliberation topics,
whatever kinds the apps register (kinds.py); each rule applies to one kind: on every change of a
subject, and by the periodic sweep over every kind.

Exactly once: the caller holds the subject's row lock, a rule fires at most once per (rule, subject,
occasion) — a unique row in RuleFiring — and the sweep claims subjects with FOR UPDATE SKIP LOCKED,
so two sweeps never look at the same one at the same time.
"""

import math
import time
from contextlib import nullcontext
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from gridcase.accounts.models import Role
from gridcase.accounts.selectors import users_covering
from gridcase.escalation import kinds
from gridcase.escalation.models import Kind, Rule, RuleFiring
from gridcase.lib import clock
from gridcase.notifications.services import alert_raise, notify
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


def matches(rule: Rule, subject) -> bool:
    """The conditions that do not depend on time (a rule never matches a subject of another kind)."""
    kind = kinds.of(subject)
    return rule.kind == kind.key and kind.matches(rule, subject)


def due_at(rule: Rule, subject) -> datetime | None:
    """When a timed rule becomes due for this subject; None if it cannot (its start has not happened)."""
    kind = kinds.of(subject)
    dues = []
    if rule.working_days is not None:
        attribute = kind.anchors.get(rule.anchor)
        start = getattr(subject, attribute) if attribute else None
        if start is None:
            return None
        dues.append(add_working_days(start, rule.working_days))
    if rule.deadline_share is not None:
        start, deadline = kind.share_start(subject), kind.deadline(subject)
        if deadline is None or start is None:
            return None
        total = working_days_between(start, deadline)
        dues.append(add_working_days(start, math.ceil(total * rule.deadline_share / 100)))
    if rule.deadline_offset is not None:
        deadline = kind.deadline(subject)
        if deadline is None:
            return None
        offset = rule.deadline_offset
        dues.append(add_working_days(deadline, offset) if offset >= 0
                    else subtract_working_days(deadline, -offset))
    return max(dues)


def subtract_working_days(end: datetime, days: int) -> datetime:
    """The same time of day `days` working days before `end` (the calendar's working days, 调休 included)."""
    moment = end
    while days > 0:
        moment -= timedelta(days=1)
        if is_workday(timezone.localdate(moment)):
            days -= 1
    return moment


def occasion(subject) -> str:
    """What a rule fires once for (each kind says: a case's stay at its level, a hazard's level and
    deadline, a request's or topic's deadline…)."""
    return kinds.of(subject).occasion(subject)


def _lapsed(rule: Rule, subject, kind, now: datetime) -> bool:
    """A reminder before a deadline that has passed, for a kind whose reminders lapse then."""
    if not kind.reminders_lapse or rule.deadline_offset is None or rule.deadline_offset >= 0:
        return False
    deadline = kind.deadline(subject)
    return deadline is not None and deadline <= now


def _claim(rule: Rule, subject, now: datetime) -> bool:
    try:
        with transaction.atomic():
            RuleFiring.objects.create(rule=rule, subject_kind=rule.kind, subject_id=subject.pk, key=occasion(subject),
                                      fired_at=now)
        return True
    except IntegrityError:
        return False


def _recipients(rule: Rule, subject) -> list:
    kind = kinds.of(subject)
    roles = [r for r in rule.notify if r in Role.values]
    people = list(users_covering(code=kind.area_code(subject), roles=roles)) if roles else []
    for group in kind.groups:
        if group in rule.notify:
            people += list(kind.people(group, subject))
    return people


def _apply(rule: Rule, subject) -> bool:
    """Do the rule's action (through the kind, which calls its app's services) and tell whom the rule
    names; True if the subject moved (so that the rules must look again)."""
    kind = kinds.of(subject)
    moved = kind.apply(rule, subject)
    subject.refresh_from_db()
    recipients = _recipients(rule, subject)
    if rule.urgent:
        # Even with nobody named, an urgent rule's alert goes to the escalation policy's first step.
        notice = kind.notice(rule, subject)
        alert_raise(recipients=recipients, kind=notice.kind, title=notice.title, body=notice.body, url=kind.url(subject),
                    subject_kind=kind.key, subject_id=subject.pk, area_code=kind.area_code(subject),
                    ack_minutes=rule.ack_minutes)
    elif recipients:
        notice = kind.notice(rule, subject)
        notify(recipients=recipients, kind=notice.kind, title=notice.title, body=notice.body, url=kind.url(subject))
    return moved


def evaluate(subject=None, /, *, now: datetime | None = None, rules: list[Rule] | None = None,
             **by_kind) -> list[Rule]:
    """Fire the rules that are due for this case, hazard, request or topic, and remember when to
    look next. The subject may be named by its kind (`evaluate(case=case)`). The caller holds its
    row lock. Returns the rules that fired."""
    if subject is None and len(by_kind) == 1:
        (key, subject), = by_kind.items()
        if kinds.of(subject).key != key:
            raise TypeError(f"evaluate({key}=…) was given a {type(subject).__name__}")
    elif subject is None or by_kind:
        raise TypeError("evaluate() takes one subject")
    kind = kinds.of(subject)
    now = now or clock.now()
    rules = rules_for(kind.area_code(subject), kind.key) if rules is None else rules
    fired: list[Rule] = []
    while len(fired) < MAX_FIRINGS_PER_EVALUATION:
        already = set(RuleFiring.objects.of(subject).filter(key=occasion(subject)).values_list("rule_id", flat=True))
        next_check = None
        moved = False
        for rule in rules:
            if rule.pk in already or not matches(rule, subject):
                continue
            due = due_at(rule, subject) if rule.is_timed else now
            if due is None:
                continue
            if due > now:
                next_check = min(next_check or due, due)
                continue
            if _lapsed(rule, subject, kind, now) or not _claim(rule, subject, now):
                continue
            fired.append(rule)
            if _apply(rule, subject):
                moved = True
                break
        if not moved:
            break
    if subject.next_check_at != next_check:
        subject.next_check_at = next_check
        type(subject).objects.filter(pk=subject.pk).update(next_check_at=next_check)
    return fired


def sweep(*, now: datetime | None = None, batch_size: int = SWEEP_BATCH) -> int:
    """Evaluate everything of every kind whose next check is due. Safe to run in several workers at once.

    `now` (for tests and the demo) makes the whole sweep happen at that moment, events included.
    """
    with clock.travel(now) if now else nullcontext():
        now = clock.now()
        return sum(_sweep_kind(kind, now=now, batch_size=batch_size) for kind in kinds.all_kinds())


def _sweep_kind(kind, *, now: datetime, batch_size: int) -> int:
    done = 0
    rules_by_town: dict[str, list[Rule]] = {}
    while True:
        with transaction.atomic():
            batch = list(
                kind.model.objects.select_for_update(of=("self",), skip_locked=True)
                .filter(next_check_at__lte=now).select_related(*kind.sweep_related).order_by("next_check_at")[:batch_size]
            )
            for subject in batch:
                code = kind.area_code(subject)
                if code[:9] not in rules_by_town:
                    rules_by_town[code[:9]] = rules_for(code, kind.key)
                evaluate(subject, now=now, rules=rules_by_town[code[:9]])
        done += len(batch)
        if len(batch) < batch_size:
            return done
