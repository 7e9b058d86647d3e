"""Every change to a case goes through one of these functions. Each locks the case row, checks the
actor, the state and the version the actor saw, changes what it must with update_fields, appends a
CaseEvent, and lets the escalation rules look at the result — all in one transaction.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.selectors import LocationError, locate, locate_for_user
from gridcase.accounts.jurisdiction import covers_code
from gridcase.accounts.models import Role
from gridcase.accounts.selectors import users_covering
from gridcase.cases import permissions
from gridcase.cases.models import (
    LEVEL_ORDER,
    Agreement,
    Attachment,
    Case,
    CaseEvent,
    CaseNumberCounter,
    Category,
    FollowUp,
    Level,
    MediationSession,
    Party,
    PersonalDataView,
    ReferralBody,
    Risk,
    Source,
    State,
)
from gridcase.cases.workflow import LABELS, RECORDS, TRANSITIONS
from gridcase.lib import clock, crypto, uploads
from gridcase.notifications.services import alert_raise, notify
from gridcase.workdays.selectors import add_working_days


class CaseError(Exception):
    """A change that was refused; the message says why, for the user."""


class NotAllowed(CaseError):
    pass


class WrongState(NotAllowed):
    """The action exists but not in the case's current state."""


class OutsideJurisdiction(CaseError):
    """The point lies in no grid of the actor's jurisdiction; the message names where it is."""


class StaleCase(CaseError):
    """Someone changed the case after the actor loaded it; `changes` lists what they did."""

    def __init__(self, case: Case, seen_version: int):
        self.case = case
        self.changes = list(case.events.filter(version__gt=seen_version).select_related("actor").order_by("at", "id"))
        super().__init__(_("您打开页面后，该案件已被他人修改（%(n)d 处变更），您的修改尚未保存。请查看变更后再提交。")
                         % {"n": len(self.changes)})


@dataclass
class PartyInput:
    name: str
    role: str = Party.Role.APPLICANT
    id_number: str = ""
    phone: str = ""
    address: str = ""


# ---------------------------------------------------------------- helpers


def _state_label(state: str) -> str:
    return str(State(state).label)


def _lock(case: Case | int, *, actor, action: str, expected_version: int | None) -> Case:
    case_id = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update(of=("self",)).select_related("category").get(pk=case_id)
    if expected_version is not None and locked.version != expected_version:
        raise StaleCase(locked, expected_version)
    if not permissions.may(actor, locked, action):
        raise NotAllowed(_("您无权对该案件执行「%(action)s」") % {"action": LABELS[action]})
    if action not in TRANSITIONS[locked.state] and locked.state not in RECORDS.get(action, ()):
        allowed = [str(LABELS[a]) for a in permissions.allowed_actions(actor, locked)] if actor else []
        raise WrongState(_("案件当前状态为「%(state)s」，不能「%(action)s」；现在可以：%(allowed)s") % {
            "state": _state_label(locked.state), "action": LABELS[action], "allowed": "、".join(allowed) or _("无")})
    return locked


def _log(case: Case, *, actor, kind: str, from_state: str, reason: str = "", data: dict | None = None,
         fields: tuple[str, ...] = (), bump: bool = True) -> CaseEvent:
    if bump:
        case.version += 1
        case.save(update_fields=[*fields, "version", "updated_at"])
    return CaseEvent.objects.create(
        case=case, at=clock.now(), actor=actor, kind=kind, from_state=from_state, to_state=case.state,
        level=case.level, version=case.version, reason=reason, data=data or {},
    )


def _rules(case: Case, evaluate: bool) -> None:
    if evaluate:
        from gridcase.escalation import engine  # the engine calls back into these services

        engine.evaluate(case=case)


def _transition(case: Case, to_state: str, *, actor, kind: str, reason: str = "", data: dict | None = None,
                fields: tuple[str, ...] = (), evaluate: bool = True) -> Case:
    from_state = case.state
    case.state = to_state
    _log(case, actor=actor, kind=kind, from_state=from_state, reason=reason, data=data, fields=("state", *fields))
    _rules(case, evaluate)
    return case


def _deadline(start, level: str):
    return add_working_days(start, settings.CASE_TIME_LIMITS[level])


def next_case_number(*, town_code: str, year: int) -> str:
    """'321302112-2026-000123': per town and year, without gaps or duplicates (gridcase.lib.numbering)."""
    number = CaseNumberCounter.next_for(town_code=town_code, year=year)
    return f"{town_code}-{year}-{number:06d}"


def _add_party(case: Case, party: PartyInput) -> Party:
    return Party.objects.create(
        case=case, role=party.role, name=party.name.strip(), address=party.address.strip(),
        id_number_encrypted=crypto.encrypt(crypto.normalise(party.id_number)),
        id_number_index=crypto.blind_index(party.id_number),
        id_number_masked=crypto.mask_id_number(party.id_number) if party.id_number else "",
        phone_encrypted=crypto.encrypt(crypto.normalise(party.phone)),
        phone_index=crypto.blind_index(party.phone),
        phone_masked=crypto.mask_phone(party.phone) if party.phone else "",
    )


# ---------------------------------------------------------------- registering


REGISTRARS = {Role.GRID_WORKER, Role.MEDIATOR, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN}


def case_register(*, actor, title: str, category: Category, location: Point, narrative: str = "",
                  people_involved: int = 2, amount: Decimal | None = None, risk: int = Risk.GENERAL,
                  violence_risk: bool = False, source: str = Source.GRID_WORKER, parties: list[PartyInput] = (),
                  client_id: uuid.UUID | None = None, recurrence_of: Case | None = None, patrol=None,
                  photos=()) -> Case:
    """Log a new dispute at a point. The point must lie in a grid of the actor's jurisdiction.
    `patrol`, if given, is the patrol during which it was found (it must be in the actor's jurisdiction).
    An empty `title` is derived from the narrative (title_from). `photos` (uploads) are checked
    before anything is written and stored with the case, or the whole registration is refused.

    A repeat of the same `client_id` (a phone retrying) returns the case the first call created,
    photos included: none is stored twice.
    """
    if client_id is not None:
        existing = Case.objects.filter(client_id=client_id).first()
        if existing is not None:
            return _same_submission(existing, actor)
    if actor is not None and actor.role not in REGISTRARS:
        raise NotAllowed(_("您的角色不能登记纠纷"))
    if patrol is not None and actor is not None and not covers_code(actor, patrol.area_code):
        raise CaseError(_("所选巡逻不在您的辖区内"))
    try:
        where = locate_for_user(user=actor, point=location) if actor is not None else locate(point=location)
    except LocationError as exc:
        raise OutsideJurisdiction(str(exc)) from None
    title = title.strip() or title_from(category=category, narrative=narrative)
    checked = [_checked_upload(upload) for upload in photos]
    now = clock.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                number=next_case_number(town_code=where.town.code, year=timezone.localtime(now).year),
                client_id=client_id, title=title, narrative=narrative.strip(), category=category,
                people_involved=people_involved, amount=amount, risk=risk, violence_risk=violence_risk,
                source=source, location=location, grid=where.grid, area_code=where.grid.code,
                village_code=where.village.code, town_code=where.town.code, county_code=where.county.code,
                level=Level.VILLAGE, state=State.REGISTERED, registered_by=actor, registered_at=now,
                deadline=add_working_days(now, settings.CASE_ACCEPT_WORKING_DAYS),
                recurrence_of=recurrence_of, patrol=patrol,
            )
            for party in parties:
                _add_party(case, party)
            for photo in checked:
                _store_attachment(case, photo, kind=Attachment.Kind.PHOTO, actor=actor)
            data = {"number": case.number, "grid": where.grid.code, "category": category.name}
            if checked:
                data["photos"] = len(checked)
            if recurrence_of is not None:
                data["recurrence_of"] = recurrence_of.number
            if patrol is not None:
                data["patrol"] = patrol.pk
            _log(case, actor=actor, kind="case.registered", from_state="", data=data, bump=False)
            _rules(case, evaluate=True)
    except IntegrityError:
        # Two retries of one submission raced past the lookup above; the first one won.
        if client_id is not None and (existing := Case.objects.filter(client_id=client_id).first()):
            return _same_submission(existing, actor)
        raise
    return case


TITLE_LENGTH = 30


def title_from(*, category: Category, narrative: str) -> str:
    """A title for a case logged without one: the narrative's first sentence, cut short, or failing
    that the category (邻里纠纷)."""
    first = re.split(r"[。！？!?；;\n]", narrative.strip(), maxsplit=1)[0].strip(" ，,、")
    if not first:
        return category.name
    return first if len(first) <= TITLE_LENGTH else f"{first[:TITLE_LENGTH - 1]}…"


def _same_submission(existing: Case, actor) -> Case:
    if actor is not None and existing.registered_by_id != actor.pk:
        raise CaseError(_("该提交编号已被其他用户使用"))
    return existing


# ---------------------------------------------------------------- the lifecycle


@transaction.atomic
def case_accept(*, case: Case | int, actor, expected_version: int | None = None, note: str = "",
                mediators=None, level: str | None = None, category: Category | None = None,
                risk: int | None = None) -> Case:
    """受理: the level takes the case up. The acceptor confirms what acceptance needs — who mediates
    (`mediators`; by default the acceptor, if nobody is assigned), the handling level (`level`: the
    case's own, or a higher one up to the acceptor's, which takes it up itself), the category and
    the risk; what they change is recorded on the event. The time limit of the level starts."""
    case = _lock(case, actor=actor, action="accept", expected_version=expected_version)
    now = clock.now()
    data = {}
    if level and level != case.level:
        _take_up(case, actor, level)
        data["level"] = [case.level, level]
        case.level, case.level_entered_at = level, now
    else:
        case.level_entered_at = case.level_entered_at if case.state == State.ESCALATED else now
    changes = {field: [str(getattr(case, field)), str(value)] for field, value in
               (("category", category), ("risk", risk)) if value is not None and value != getattr(case, field)}
    if category is not None:
        case.category = category
    if risk is not None:
        case.risk = risk
    case.accepted_at = case.accepted_at or now
    case.deadline = _deadline(case.level_entered_at, case.level)
    if mediators:
        _check_handlers(case, mediators)
        case.mediators.set(mediators)
        data["mediators"] = sorted(m.username for m in mediators)
    elif actor is not None and permissions.can_handle(actor, case) and not case.mediators.exists():
        case.mediators.add(actor)
    if changes:
        data["changes"] = changes
    return _transition(case, State.ACCEPTED, actor=actor, kind="case.accepted", reason=note, data=data,
                       fields=("accepted_at", "level_entered_at", "deadline", "level", "category", "risk"))


def _take_up(case: Case, actor, level: str) -> None:
    """Accepting a case at a higher level than its own: only up, and only as high as the acceptor handles."""
    if level not in LEVEL_ORDER or LEVEL_ORDER.index(level) < LEVEL_ORDER.index(case.level):
        raise CaseError(_("受理层级不能低于案件当前层级「%(level)s」") % {"level": Level(case.level).label})
    own = permissions.handling_level(actor) if actor is not None else Level.COUNTY
    if own is None or LEVEL_ORDER.index(level) > LEVEL_ORDER.index(own):
        raise NotAllowed(_("您不能以「%(level)s」受理该案件") % {"level": Level(level).label})


def _check_handlers(case: Case, mediators) -> None:
    outsiders = [m for m in mediators if not permissions.can_handle(m, case)]
    if outsiders:
        raise CaseError(_("%(names)s 不能办理该案件（辖区或层级不符）") % {"names": "、".join(map(str, outsiders))})


@transaction.atomic
def case_decline(*, case: Case | int, actor, reason: str, expected_version: int | None = None) -> Case:
    if not reason.strip():
        raise CaseError(_("不予受理必须说明理由"))
    case = _lock(case, actor=actor, action="decline", expected_version=expected_version)
    case.closed_at = clock.now()
    return _transition(case, State.DECLINED, actor=actor, kind="case.declined", reason=reason, fields=("closed_at",))


def _add_session(case: Case, actor, held_on: date, place: str, attendees: str, content: str) -> MediationSession:
    return MediationSession.objects.create(case=case, held_on=held_on, place=place, attendees=attendees,
                                           content=content, recorded_by=actor, recorded_at=clock.now())


@transaction.atomic
def case_start_mediation(*, case: Case | int, actor, held_on: date, place: str, attendees: str, content: str,
                         expected_version: int | None = None) -> Case:
    case = _lock(case, actor=actor, action="mediate", expected_version=expected_version)
    session = _add_session(case, actor, held_on, place, attendees, content)
    return _transition(case, State.MEDIATING, actor=actor, kind="case.mediation_started",
                       data={"session": session.pk, "held_on": held_on.isoformat(), "place": place})


@transaction.atomic
def case_record_session(*, case: Case | int, actor, held_on: date, place: str, attendees: str, content: str,
                        expected_version: int | None = None) -> MediationSession:
    case = _lock(case, actor=actor, action="session", expected_version=expected_version)
    session = _add_session(case, actor, held_on, place, attendees, content)
    _log(case, actor=actor, kind="case.session_recorded", from_state=case.state,
         data={"session": session.pk, "held_on": held_on.isoformat(), "place": place})
    return session


@transaction.atomic
def case_settle(*, case: Case | int, actor, signed_on: date, terms: str, performance_due: date | None = None,
                judicial_confirmation: str = Agreement.Confirmation.NONE, expected_version: int | None = None) -> Case:
    if not terms.strip():
        raise CaseError(_("调解协议内容不能为空"))
    case = _lock(case, actor=actor, action="settle", expected_version=expected_version)
    Agreement.objects.create(case=case, signed_on=signed_on, terms=terms, performance_due=performance_due,
                             judicial_confirmation=judicial_confirmation)
    return _transition(case, State.SETTLED, actor=actor, kind="case.settled", data={"signed_on": signed_on.isoformat()})


@transaction.atomic
def agreement_update(*, case: Case | int, actor, performance: str, judicial_confirmation: str,
                     expected_version: int | None = None) -> Agreement:
    """Record how the agreement is being honoured (an unperformed agreement is a known failure)."""
    case = _lock(case, actor=actor, action="performance", expected_version=expected_version)
    agreement = case.agreement
    before = {"performance": agreement.performance, "judicial_confirmation": agreement.judicial_confirmation}
    agreement.performance, agreement.judicial_confirmation = performance, judicial_confirmation
    agreement.full_clean()
    agreement.save(update_fields=["performance", "judicial_confirmation"])
    changes = {k: [v, getattr(agreement, k)] for k, v in before.items() if v != getattr(agreement, k)}
    _log(case, actor=actor, kind="case.agreement_updated", from_state=case.state, data={"changes": changes})
    return agreement


@transaction.atomic
def case_fail(*, case: Case | int, actor, reason: str, expected_version: int | None = None) -> Case:
    if not reason.strip():
        raise CaseError(_("请说明调解不成的原因"))
    case = _lock(case, actor=actor, action="fail", expected_version=expected_version)
    return _transition(case, State.FAILED, actor=actor, kind="case.failed", reason=reason)


@transaction.atomic
def case_escalate(*, case: Case | int, actor, reason: str, to_level: str | None = None, rule=None,
                  urgent: bool = False, expected_version: int | None = None, evaluate: bool = True) -> Case:
    """Move the case up to `to_level` (default: the next level); the new level must accept it.
    A person's 上报 tells the leaders of that level (镇领导, 区县管理员) and its mediators — as an
    urgent alert that must be acknowledged (签收) if `urgent`; a rule's says whom its rule names."""
    case = _lock(case, actor=actor, action="escalate", expected_version=expected_version)
    current = LEVEL_ORDER.index(case.level)
    target = LEVEL_ORDER.index(to_level) if to_level else current + 1
    if target >= len(LEVEL_ORDER):
        raise NotAllowed(_("案件已在县级办理，不能再上报；请转办"))
    if target <= current:
        raise NotAllowed(_("只能上报到更高层级"))
    if not reason.strip():
        raise CaseError(_("请说明上报理由"))
    from_level = case.level
    previous = list(case.mediators.values_list("username", flat=True))
    case.level = LEVEL_ORDER[target]
    case.level_entered_at = clock.now()
    case.deadline = _deadline(case.level_entered_at, case.level)
    case.mediators.clear()  # the new level assigns its own
    data = {"from_level": from_level, "to_level": case.level, "previous_mediators": previous}
    if rule is not None:
        data["rule"] = rule.pk
    if actor is not None:
        data["urgent"] = urgent
    case = _transition(case, State.ESCALATED, actor=actor, kind="case.escalated", reason=reason, data=data,
                       fields=("level", "level_entered_at", "deadline"), evaluate=evaluate)
    if actor is not None:
        _tell_level(case, actor=actor, reason=reason, urgent=urgent)
    return case


# Who is told when a person reports a case up to a level: its leaders, and its mediators who accept it.
LEADERS_OF_LEVEL = {Level.TOWN: Role.TOWN_LEADER, Level.COUNTY: Role.COUNTY_ADMIN}


def _tell_level(case: Case, *, actor, reason: str, urgent: bool) -> None:
    people = list(users_covering(code=case.area_code, roles=[LEADERS_OF_LEVEL[case.level], Role.MEDIATOR])
                  .filter(area__level=case.level).exclude(pk=actor.pk))
    title = _("%(who)s上报至%(level)s：%(number)s %(title)s") % {
        "who": actor, "level": Level(case.level).label, "number": case.number, "title": case.title}
    body = _("上报理由：%(reason)s") % {"reason": reason}
    url = f"/cases/{case.pk}/"
    if urgent:
        alert_raise(recipients=people, kind="case.escalated", title=title[:200], body=body, url=url,
                    subject_kind="case", subject_id=case.pk, area_code=case.area_code)
    else:
        notify(recipients=people, kind="case.escalated", title=title[:200], body=body, url=url)


@transaction.atomic
def case_refer(*, case: Case | int, actor, to: str, reason: str, rule=None, expected_version: int | None = None,
               evaluate: bool = True) -> Case:
    if to not in ReferralBody.values:
        raise CaseError(_("请选择转办去向"))
    case = _lock(case, actor=actor, action="refer", expected_version=expected_version)
    case.referred_to = to
    data = {"to": to} | ({"rule": rule.pk} if rule is not None else {})
    return _transition(case, State.REFERRED, actor=actor, kind="case.referred", reason=reason, data=data,
                       fields=("referred_to",), evaluate=evaluate)


@transaction.atomic
def case_follow_up(*, case: Case | int, actor, visited_on: date, method: str, satisfaction: str, recurred: bool,
                   note: str = "", expected_version: int | None = None) -> Case:
    case = _lock(case, actor=actor, action="follow_up", expected_version=expected_version)
    FollowUp.objects.create(case=case, visited_on=visited_on, method=method, satisfaction=satisfaction,
                            recurred=recurred, note=note, recorded_by=actor)
    return _transition(case, State.FOLLOWED_UP, actor=actor, kind="case.followed_up", reason=note,
                       data={"satisfaction": satisfaction, "recurred": recurred, "method": method})


@transaction.atomic
def case_close(*, case: Case | int, actor, note: str = "", expected_version: int | None = None) -> Case:
    case = _lock(case, actor=actor, action="close", expected_version=expected_version)
    case.closed_at = clock.now()
    return _transition(case, State.CLOSED, actor=actor, kind="case.closed", reason=note, fields=("closed_at",))


@transaction.atomic
def case_reopen(*, case: Case | int, actor, narrative: str) -> Case:
    """The dispute came back: register a new case linked to the closed one (counted as a recurrence)."""
    old = _lock(case, actor=actor, action="reopen", expected_version=None)
    parties = [PartyInput(name=p.name, role=p.role, id_number=crypto.decrypt(p.id_number_encrypted),
                          phone=crypto.decrypt(p.phone_encrypted), address=p.address) for p in old.parties.all()]
    new = case_register(actor=actor, title=old.title, category=old.category, location=old.location,
                        narrative=narrative, people_involved=old.people_involved, amount=old.amount, risk=old.risk,
                        violence_risk=old.violence_risk, source=old.source, parties=parties, recurrence_of=old)
    _log(old, actor=actor, kind="case.recurred", from_state=old.state, reason=narrative,
         data={"new_case": new.pk, "number": new.number}, bump=False)
    return new


@transaction.atomic
def case_merge(*, case: Case | int, actor, into: Case, reason: str = "", expected_version: int | None = None) -> Case:
    """A duplicate: close this case into `into`, which keeps a record of it."""
    case = _lock(case, actor=actor, action="merge", expected_version=expected_version)
    target = Case.objects.select_for_update(of=("self",)).get(pk=into.pk)
    if target.pk == case.pk or target.state == State.MERGED:
        raise CaseError(_("不能合并到自身或已合并的案件"))
    if actor is not None and not permissions.may(actor, target, "edit"):
        raise NotAllowed(_("您无权办理目标案件 %(number)s") % {"number": target.number})
    case.merged_into = target
    case.closed_at = clock.now()
    _log(target, actor=actor, kind="case.merged_in", from_state=target.state, reason=reason,
         data={"case": case.pk, "number": case.number}, bump=False)
    return _transition(case, State.MERGED, actor=actor, kind="case.merged", reason=reason,
                       data={"into": target.pk, "number": target.number}, fields=("merged_into", "closed_at"),
                       evaluate=False)


EDITABLE = ("title", "narrative", "category", "people_involved", "amount", "risk", "violence_risk", "source")


@transaction.atomic
def case_update(*, case: Case | int, actor, expected_version: int, **changes) -> Case:
    """Change the description of an open case; refused if someone else changed it since `expected_version`."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise CaseError(f"cannot edit {', '.join(sorted(unknown))}")
    case = _lock(case, actor=actor, action="edit", expected_version=expected_version)
    diff = {}
    for field, value in changes.items():
        old = getattr(case, field)
        if old != value:
            diff[field] = [str(old) if old is not None else "", str(value) if value is not None else ""]
            setattr(case, field, value)
    if not diff:
        return case
    case.full_clean(exclude=["location", "grid", "mediators"])
    _log(case, actor=actor, kind="case.updated", from_state=case.state, data={"changes": diff}, fields=tuple(diff))
    _rules(case, evaluate=True)
    return case


@transaction.atomic
def case_add_report(*, case: Case | int, actor, note: str) -> CaseEvent:
    """The same dispute reported again (a worker found it already open nearby): recorded on the
    case instead of a duplicate. Does not change the case, so nobody's open form goes stale."""
    if not note.strip():
        raise CaseError(_("请填写反映的情况"))
    case = _lock(case, actor=actor, action="report", expected_version=None)
    return _log(case, actor=actor, kind="case.reported_again", from_state=case.state, reason=note, bump=False)


@transaction.atomic
def case_assign(*, case: Case | int, actor, mediators, expected_version: int | None = None) -> Case:
    case = _lock(case, actor=actor, action="assign", expected_version=expected_version)
    _check_handlers(case, mediators)
    case.mediators.set(mediators)
    _log(case, actor=actor, kind="case.assigned", from_state=case.state,
         data={"mediators": sorted(m.username for m in mediators)})
    return case


@transaction.atomic
def case_attach(*, case: Case | int, actor, upload, kind: str = Attachment.Kind.PHOTO) -> Attachment:
    """Store a photo or scan, checked and cleaned by gridcase.lib.uploads (type from the bytes, new name,
    images re-encoded without their EXIF and GPS)."""
    [attachment] = case_attach_all(case=case, actor=actor, files=[upload], kind=kind)
    return attachment


@transaction.atomic
def case_attach_all(*, case: Case | int, actor, files: list, kind: str = Attachment.Kind.PHOTO) -> list[Attachment]:
    """Store several photos or scans at once (a phone sends all it took): every file is checked
    first, and one refused stores none."""
    case = _lock(case, actor=actor, action="attach", expected_version=None)
    checked = [_checked_upload(upload) for upload in files]
    stored = [_store_attachment(case, accepted, kind=kind, actor=actor) for accepted in checked]
    for attachment in stored:
        _log(case, actor=actor, kind="case.attachment_added", from_state=case.state,
             data={"attachment": attachment.pk, "kind": kind}, bump=False)
    return stored


def _checked_upload(upload) -> uploads.Accepted:
    try:
        return uploads.accept(upload, allowed=set(settings.CASE_ATTACHMENT_TYPES),
                              max_bytes=settings.CASE_ATTACHMENT_MAX_BYTES)
    except uploads.UploadRefused as exc:
        name = getattr(upload, "name", "")
        raise CaseError(f"{exc}：{name}" if name else str(exc)) from exc


def _store_attachment(case: Case, accepted: uploads.Accepted, *, kind: str, actor) -> Attachment:
    return Attachment.objects.create(case=case, kind=kind, file=accepted.file, original_name=accepted.original_name,
                                     content_type=accepted.content_type, size=accepted.size, uploaded_by=actor,
                                     uploaded_at=clock.now())


# ---------------------------------------------------------------- personal data


def parties_in_full(*, user, case: Case) -> list[dict]:
    """The parties with full ID numbers and phones, for those who handle the case; each view is logged."""
    if not permissions.can_handle(user, case):
        raise NotAllowed(_("只有办理该案件的人员可以查看完整个人信息"))
    parties = list(case.parties.all())
    now = clock.now()
    PersonalDataView.objects.bulk_create([PersonalDataView(user=user, case=case, party=p, at=now) for p in parties
                                          if p.id_number_encrypted or p.phone_encrypted])
    return [{"party": p, "id_number": crypto.decrypt(p.id_number_encrypted), "phone": crypto.decrypt(p.phone_encrypted)}
            for p in parties]


# ---------------------------------------------------------------- changes made by the rules engine


def case_set_deadline(*, case: Case, deadline, reason: str, rule) -> Case:
    """Called by the rules engine, which already holds the case's lock."""
    old = case.deadline
    case.deadline = deadline
    _log(case, actor=None, kind="case.deadline_set", from_state=case.state, reason=reason,
         data={"rule": rule.pk, "from": old.isoformat() if old else "", "to": deadline.isoformat()}, fields=("deadline",))
    return case


def case_note_rule(*, case: Case, reason: str, rule) -> CaseEvent:
    """A rule that only warns leaves its reason on the timeline (the case itself is unchanged)."""
    return _log(case, actor=None, kind="case.rule_warning", from_state=case.state, reason=reason,
                data={"rule": rule.pk}, bump=False)
