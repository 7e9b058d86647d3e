"""Every change to a hazard goes through one of these functions. Each locks the hazard row, checks
the actor, the state and the version the actor saw, changes what it must with update_fields, appends
a HazardEvent, and lets the escalation rules look at the result — all in one transaction.
"""

import uuid
from datetime import date, datetime, time

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from geodata.selectors import LocationError, locate, locate_for_user
from gridcase.cases.models import LEVEL_ORDER, Level
from gridcase.hazards import permissions
from gridcase.hazards.models import (
    ExtensionRequest,
    Hazard,
    HazardCategory,
    HazardEvent,
    HazardNumberCounter,
    HazardPhoto,
    ResponsibleKind,
    Severity,
    State,
)
from gridcase.hazards.workflow import LABELS, RECORDS, REPORTERS, TRANSITIONS
from gridcase.lib import clock, uploads

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp"}


class HazardError(Exception):
    """A change that was refused; the message says why, for the user."""


class NotAllowed(HazardError):
    pass


class OutsideJurisdiction(HazardError):
    """The point lies in no grid of the actor's jurisdiction; the message names where it is."""


class StaleHazard(HazardError):
    """Someone changed the hazard after the actor loaded it; `changes` lists what they did."""

    def __init__(self, hazard: Hazard, seen_version: int):
        self.hazard = hazard
        self.changes = list(hazard.events.filter(version__gt=seen_version).select_related("actor").order_by("at", "id"))
        super().__init__(_("您打开页面后，该隐患已被他人修改（%(n)d 处变更），您的修改尚未保存。请查看变更后再提交。")
                         % {"n": len(self.changes)})


def end_of_day(day: date) -> datetime:
    """A deadline given as a date means the end of that day, China time."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


# ---------------------------------------------------------------- helpers


def _lock(hazard: Hazard | int, *, actor, action: str, expected_version: int | None) -> Hazard:
    hazard_id = hazard.pk if isinstance(hazard, Hazard) else hazard
    locked = Hazard.objects.select_for_update(of=("self",)).select_related("category").get(pk=hazard_id)
    if expected_version is not None and locked.version != expected_version:
        raise StaleHazard(locked, expected_version)
    if not permissions.may(actor, locked, action):
        raise NotAllowed(_("您无权对该隐患执行「%(action)s」") % {"action": LABELS[action]})
    if action not in TRANSITIONS[locked.state] and locked.state not in RECORDS.get(action, ()):
        allowed = [str(LABELS[a]) for a in permissions.allowed_actions(actor, locked)] if actor else []
        raise NotAllowed(_("隐患当前状态为「%(state)s」，不能「%(action)s」；现在可以：%(allowed)s") % {
            "state": State(locked.state).label, "action": LABELS[action], "allowed": "、".join(allowed) or _("无")})
    return locked


def _log(hazard: Hazard, *, actor, kind: str, from_state: str, reason: str = "", data: dict | None = None,
         fields: tuple[str, ...] = (), bump: bool = True) -> HazardEvent:
    if bump:
        hazard.version += 1
        hazard.save(update_fields=[*fields, "version", "updated_at"])
    return HazardEvent.objects.create(
        hazard=hazard, at=clock.now(), actor=actor, kind=kind, from_state=from_state, to_state=hazard.state,
        level=hazard.level, version=hazard.version, reason=reason, data=data or {},
    )


def _rules(hazard: Hazard, evaluate: bool = True) -> None:
    if evaluate:
        from gridcase.escalation import engine  # the engine calls back into these services

        engine.evaluate(hazard=hazard)


def _transition(hazard: Hazard, to_state: str, *, actor, kind: str, reason: str = "", data: dict | None = None,
                fields: tuple[str, ...] = ()) -> Hazard:
    from_state = hazard.state
    hazard.state = to_state
    _log(hazard, actor=actor, kind=kind, from_state=from_state, reason=reason, data=data, fields=("state", *fields))
    _rules(hazard)
    return hazard


def _require(text: str, message: str) -> str:
    if not (text or "").strip():
        raise HazardError(message)
    return text.strip()


def _future(deadline: datetime) -> datetime:
    if deadline <= clock.now():
        raise HazardError(_("整改期限必须晚于现在"))
    return deadline


def next_hazard_number(*, town_code: str, year: int) -> str:
    """'YH321302112-2026-000123': per town and year, without gaps or duplicates (as case numbers)."""
    number = HazardNumberCounter.next_for(town_code=town_code, year=year)
    return f"YH{town_code}-{year}-{number:06d}"


def _checked_photo(upload) -> uploads.Accepted:
    """The photo checked and cleaned by gridcase.lib.uploads (type from its bytes, EXIF and GPS removed)."""
    limit = getattr(settings, "HAZARD_PHOTO_MAX_BYTES", settings.CASE_ATTACHMENT_MAX_BYTES)
    try:
        return uploads.accept(upload, allowed=PHOTO_TYPES, max_bytes=limit)
    except uploads.UploadRefused as exc:
        raise HazardError(f"{exc}：{upload.name}") from None


def _store_photo(hazard: Hazard, photo: uploads.Accepted, *, kind: str, actor) -> HazardPhoto:
    return HazardPhoto.objects.create(hazard=hazard, kind=kind, file=photo.file, original_name=photo.original_name,
                                      content_type=photo.content_type, size=photo.size, uploaded_by=actor,
                                      uploaded_at=clock.now())


# ---------------------------------------------------------------- reporting


def hazard_report(*, actor, title: str, category: HazardCategory, location: Point, severity: int = Severity.GENERAL,
                  description: str = "", responsible_kind: str = ResponsibleKind.UNIT, responsible_name: str = "",
                  responsible_contact: str = "", photos=(), client_id: uuid.UUID | None = None, patrol=None) -> Hazard:
    """Report a hazard at a point, with its before photos. The point must lie in a grid of the
    actor's jurisdiction. A repeat of the same `client_id` (a phone retrying) returns the first hazard.
    `patrol`: the patrol it was found on (the caller has checked the actor may see it)."""
    if client_id is not None and (existing := Hazard.objects.filter(client_id=client_id).first()):
        return _same_submission(existing, actor)
    if actor is not None and actor.role not in REPORTERS:
        raise NotAllowed(_("您的角色不能上报隐患"))
    title = _require(title, _("请填写隐患标题"))
    try:
        where = locate_for_user(user=actor, point=location) if actor is not None else locate(point=location)
    except LocationError as exc:
        raise OutsideJurisdiction(str(exc)) from None
    checked = [_checked_photo(upload) for upload in photos]
    now = clock.now()
    try:
        with transaction.atomic():
            hazard = Hazard(
                number=next_hazard_number(town_code=where.town.code, year=timezone.localtime(now).year),
                client_id=client_id, patrol=patrol, title=title, description=description.strip(), category=category,
                severity=severity, location=location, grid=where.grid, area_code=where.grid.code,
                village_code=where.village.code, town_code=where.town.code, county_code=where.county.code,
                responsible_kind=responsible_kind, responsible_name=responsible_name.strip(),
                responsible_contact=responsible_contact.strip(), state=State.REPORTED, level=Level.VILLAGE,
                reported_by=actor, reported_at=now, level_entered_at=now,
            )
            try:
                hazard.full_clean(exclude=["grid", "location", "category"])
            except ValidationError as exc:
                raise HazardError("；".join(exc.messages)) from None
            hazard.save()
            for photo in checked:
                _store_photo(hazard, photo, kind=HazardPhoto.Kind.BEFORE, actor=actor)
            _log(hazard, actor=actor, kind="hazard.reported", from_state="", bump=False,
                 data={"number": hazard.number, "grid": where.grid.code, "category": category.name,
                       "photos": len(checked), **({"patrol": patrol.pk} if patrol else {})})
            _rules(hazard)
    except IntegrityError:
        # Two retries of one submission raced past the lookup above; the first one won.
        if client_id is not None and (existing := Hazard.objects.filter(client_id=client_id).first()):
            return _same_submission(existing, actor)
        raise
    return hazard


def _same_submission(existing: Hazard, actor) -> Hazard:
    if actor is not None and existing.reported_by_id != actor.pk:
        raise HazardError(_("该提交编号已被其他用户使用"))
    return existing


# ---------------------------------------------------------------- the lifecycle


@transaction.atomic
def hazard_verify(*, hazard: Hazard | int, actor, note: str = "", severity: int | None = None,
                  expected_version: int | None = None) -> Hazard:
    """Confirm the hazard is real (核实), optionally correcting its severity."""
    hazard = _lock(hazard, actor=actor, action="verify", expected_version=expected_version)
    data = {}
    if severity is not None and severity != hazard.severity:
        data["severity"] = [hazard.severity, severity]
        hazard.severity = severity
    hazard.verified_at = clock.now()
    return _transition(hazard, State.VERIFIED, actor=actor, kind="hazard.verified", reason=note, data=data,
                       fields=("verified_at", "severity"))


@transaction.atomic
def hazard_reject(*, hazard: Hazard | int, actor, reason: str, expected_version: int | None = None) -> Hazard:
    reason = _require(reason, _("不予核实必须说明理由"))
    hazard = _lock(hazard, actor=actor, action="reject", expected_version=expected_version)
    hazard.closed_at = clock.now()
    return _transition(hazard, State.REJECTED, actor=actor, kind="hazard.rejected", reason=reason,
                       fields=("closed_at",))


@transaction.atomic
def hazard_order_rectification(*, hazard: Hazard | int, actor, deadline: datetime, responsible_kind: str,
                               responsible_name: str, responsible_contact: str = "", note: str = "",
                               expected_version: int | None = None) -> Hazard:
    """下达整改: name the responsible party and set the rectification deadline."""
    responsible_name = _require(responsible_name, _("请填写整改责任单位或责任人"))
    if responsible_kind not in ResponsibleKind.values:
        raise HazardError(_("请选择责任主体类型"))
    hazard = _lock(hazard, actor=actor, action="rectify", expected_version=expected_version)
    hazard.deadline = _future(deadline)
    hazard.responsible_kind, hazard.responsible_name = responsible_kind, responsible_name
    hazard.responsible_contact = responsible_contact.strip()
    hazard.rectifying_since = clock.now()
    return _transition(hazard, State.RECTIFYING, actor=actor, kind="hazard.rectification_ordered", reason=note,
                       data={"deadline": hazard.deadline.isoformat(), "responsible": responsible_name},
                       fields=("deadline", "responsible_kind", "responsible_name", "responsible_contact",
                               "rectifying_since"))


@transaction.atomic
def hazard_complete(*, hazard: Hazard | int, actor, photos, note: str = "",
                    expected_version: int | None = None) -> Hazard:
    """整改完成: the rectification is recorded with at least one photo taken after it."""
    if not photos:
        raise HazardError(_("请上传整改后的照片"))
    checked = [_checked_photo(upload) for upload in photos]
    hazard = _lock(hazard, actor=actor, action="complete", expected_version=expected_version)
    stored = [_store_photo(hazard, photo, kind=HazardPhoto.Kind.AFTER, actor=actor) for photo in checked]
    hazard.rectified_at = clock.now()
    return _transition(hazard, State.RECTIFIED, actor=actor, kind="hazard.rectified", reason=note,
                       data={"photos": [p.pk for p in stored],
                             "on_time": hazard.deadline is None or hazard.rectified_at <= hazard.deadline},
                       fields=("rectified_at",))


@transaction.atomic
def hazard_close(*, hazard: Hazard | int, actor, note: str = "", expected_version: int | None = None) -> Hazard:
    """验收销号: the check found the rectification done."""
    hazard = _lock(hazard, actor=actor, action="close", expected_version=expected_version)
    hazard.closed_at = clock.now()
    return _transition(hazard, State.CLOSED, actor=actor, kind="hazard.closed", reason=note, fields=("closed_at",),
                       data={"on_time": hazard.deadline is None or (hazard.rectified_at or hazard.closed_at)
                             <= hazard.deadline})


@transaction.atomic
def hazard_rework(*, hazard: Hazard | int, actor, reason: str, deadline: datetime | None = None,
                  expected_version: int | None = None) -> Hazard:
    """返工: the check found the rectification wanting; back to rectifying (counted), optionally with a new deadline."""
    reason = _require(reason, _("返工必须说明验收不合格的原因"))
    hazard = _lock(hazard, actor=actor, action="rework", expected_version=expected_version)
    data = {"rework": hazard.rework_count + 1}
    if deadline is not None:
        data["deadline"] = [hazard.deadline.isoformat() if hazard.deadline else "", _future(deadline).isoformat()]
        hazard.deadline = deadline
    hazard.rework_count += 1
    hazard.rectified_at = None
    return _transition(hazard, State.RECTIFYING, actor=actor, kind="hazard.reworked", reason=reason, data=data,
                       fields=("rework_count", "rectified_at", "deadline"))


@transaction.atomic
def hazard_request_extension(*, hazard: Hazard | int, actor, new_deadline: datetime, reason: str,
                             expected_version: int | None = None) -> ExtensionRequest:
    """延期申请: ask for a later deadline; a town leader decides."""
    reason = _require(reason, _("请说明延期理由"))
    hazard = _lock(hazard, actor=actor, action="extend", expected_version=expected_version)
    if hazard.extensions.filter(decision=ExtensionRequest.Decision.PENDING).exists():
        raise HazardError(_("已有待审核的延期申请"))
    if hazard.deadline is not None and new_deadline <= hazard.deadline:
        raise HazardError(_("申请的期限必须晚于当前整改期限 %(d)s") % {
            "d": timezone.localtime(hazard.deadline).strftime("%Y-%m-%d")})
    request = ExtensionRequest.objects.create(hazard=hazard, requested_by=actor, requested_at=clock.now(),
                                              old_deadline=hazard.deadline, new_deadline=_future(new_deadline),
                                              reason=reason)
    _log(hazard, actor=actor, kind="hazard.extension_requested", from_state=hazard.state, reason=reason,
         data={"request": request.pk, "to": new_deadline.isoformat()})
    return request


@transaction.atomic
def hazard_decide_extension(*, hazard: Hazard | int, actor, approve: bool, note: str = "",
                            expected_version: int | None = None) -> ExtensionRequest:
    """延期审核: approval moves the deadline and counts; a refusal needs a reason."""
    if not approve:
        note = _require(note, _("不批准延期必须说明理由"))
    hazard = _lock(hazard, actor=actor, action="decide_extension", expected_version=expected_version)
    request = hazard.extensions.select_for_update().filter(decision=ExtensionRequest.Decision.PENDING).first()
    if request is None:
        raise HazardError(_("没有待审核的延期申请"))
    request.decision = ExtensionRequest.Decision.APPROVED if approve else ExtensionRequest.Decision.REFUSED
    request.decided_by, request.decided_at, request.decision_note = actor, clock.now(), note
    request.save(update_fields=["decision", "decided_by", "decided_at", "decision_note"])
    data = {"request": request.pk}
    if approve:
        data["deadline"] = [hazard.deadline.isoformat() if hazard.deadline else "", request.new_deadline.isoformat()]
        hazard.deadline = request.new_deadline
        hazard.extension_count += 1
    _log(hazard, actor=actor, kind="hazard.extension_approved" if approve else "hazard.extension_refused",
         from_state=hazard.state, reason=note, data=data, fields=("deadline", "extension_count"))
    _rules(hazard)
    return request


@transaction.atomic
def hazard_escalate(*, hazard: Hazard | int, actor, reason: str, to_level: str | None = None, rule=None,
                    expected_version: int | None = None, evaluate: bool = True) -> Hazard:
    """上报督办: the next level (or `to_level`) supervises the hazard from now on; its state is unchanged."""
    reason = _require(reason, _("请说明上报理由"))
    hazard = _lock(hazard, actor=actor, action="escalate", expected_version=expected_version)
    current = LEVEL_ORDER.index(hazard.level)
    target = LEVEL_ORDER.index(to_level) if to_level else current + 1
    if target >= len(LEVEL_ORDER):
        raise NotAllowed(_("隐患已由县级督办，不能再上报"))
    if target <= current:
        raise NotAllowed(_("只能上报到更高层级"))
    data = {"from_level": hazard.level, "to_level": LEVEL_ORDER[target]} | ({"rule": rule.pk} if rule else {})
    hazard.level = LEVEL_ORDER[target]
    hazard.level_entered_at = clock.now()
    _log(hazard, actor=actor, kind="hazard.escalated", from_state=hazard.state, reason=reason, data=data,
         fields=("level", "level_entered_at"))
    _rules(hazard, evaluate)
    return hazard


@transaction.atomic
def hazard_add_photo(*, hazard: Hazard | int, actor, upload, kind: str = HazardPhoto.Kind.BEFORE) -> HazardPhoto:
    """Add a photo to an open hazard. The type is read from the file's first bytes, not from its name."""
    if kind not in HazardPhoto.Kind.values:
        raise HazardError(_("请选择照片类型"))
    checked = _checked_photo(upload)
    hazard = _lock(hazard, actor=actor, action="photo", expected_version=None)
    photo = _store_photo(hazard, checked, kind=kind, actor=actor)
    _log(hazard, actor=actor, kind="hazard.photo_added", from_state=hazard.state, bump=False,
         data={"photo": photo.pk, "kind": kind})
    return photo


# ---------------------------------------------------------------- changes made by the rules engine


def hazard_note_rule(*, hazard: Hazard, reason: str, rule) -> HazardEvent:
    """A rule that only warns leaves its reason on the timeline (the hazard itself is unchanged)."""
    return _log(hazard, actor=None, kind="hazard.rule_warning", from_state=hazard.state, reason=reason,
                data={"rule": rule.pk}, bump=False)
