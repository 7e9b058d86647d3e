"""The optional second factor: a TOTP authenticator app (RFC 6238), offered to leaders and admins.

After the password, a user with a confirmed device is not logged in yet: the login view keeps their
id in the session as pending, and `verify` must accept a code first. A code is good once (the last
accepted time step is stored), and a few wrong codes end the attempt.
"""

from datetime import timedelta

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction

from gridcase.accounts import audit
from gridcase.accounts.models import AuditEntry, Role, TOTPDevice, User
from gridcase.lib import clock, crypto

ISSUER = "gridcase"
OFFERED_TO = {Role.TOWN_LEADER, Role.COUNTY_ADMIN}


def offered_to(user: User) -> bool:
    return user.role in OFFERED_TO or user.is_superuser


def locked(user: User) -> bool:
    """Too many wrong codes lately: the password step alone cannot be used to guess on and on."""
    since = clock.now() - timedelta(minutes=settings.OTP_LOCKOUT_MINUTES)
    failures = AuditEntry.objects.filter(kind=AuditEntry.Kind.OTP_FAILED, username=user.username, at__gte=since)
    return failures.count() >= settings.OTP_FAILURE_LIMIT


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as inline SVG: drawn here, no image service, no network."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def _accepted_step(secret: str, code: str, after_step: int) -> int | None:
    """The time step a code belongs to (now, or one step either side for clock drift), if valid and new."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = clock.now()
    current = totp.timecode(now)
    for step in (current, current - 1, current + 1):
        if step > after_step and totp.generate_otp(step) == code:
            return step
    return None


def enable(user: User, secret: str, code: str) -> bool:
    step = _accepted_step(secret, code, after_step=0)
    if step is None:
        return False
    with transaction.atomic():
        TOTPDevice.objects.update_or_create(user=user, defaults={
            "secret_encrypted": crypto.encrypt(secret), "confirmed_at": clock.now(), "last_step": step})
        audit.record(AuditEntry.Kind.OTP_ENABLED, username=user.username, actor=user)
    return True


def verify(user: User, code: str) -> bool:
    """Check a login code; True once per code. A wrong code is audited; while `locked`, none is accepted."""
    if locked(user):
        return False
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            return False
        step = _accepted_step(crypto.decrypt(device.secret_encrypted), code, after_step=device.last_step)
        if step is None:
            audit.record(AuditEntry.Kind.OTP_FAILED, username=user.username)
            return False
        device.last_step = step
        device.save(update_fields=["last_step"])
    return True


def disable(user: User, code: str) -> bool:
    if not verify(user, code):
        return False
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(AuditEntry.Kind.OTP_DISABLED, username=user.username, actor=user)
    return True
