"""This app's settings: Django settings override them, else the environment, else the defaults."""

from django.conf import settings

from gridcase.lib.env import envint


def _setting(name: str, default: int) -> int:
    return getattr(settings, name, envint(name, default))


def publicity_days() -> int:
    """How long a decision is publicised (公示) before it is carried out; the seed does not fix it."""
    return _setting("DELIBERATION_PUBLICITY_DAYS", 7)


def legal_review_working_days() -> int:
    """Working days the legal adviser has to review a decision (法律审核) before it is overdue."""
    return _setting("DELIBERATION_REVIEW_WORKING_DAYS", 5)


def objections_per_hour() -> int:
    """Objections one address (or one browser session) may lodge per hour on the public pages."""
    return _setting("DELIBERATION_OBJECTIONS_PER_HOUR", 5)


def photo_max_bytes() -> int:
    return _setting("DELIBERATION_PHOTO_MAX_BYTES", getattr(settings, "CASE_ATTACHMENT_MAX_BYTES", 10 * 2**20))


PHOTO_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
SATISFACTION_TARGET = 0.9
