from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from gridcase.notifications.models import Notification


def unread_count(*, user) -> int:
    """One count on the partial index of unread notifications."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-id")


def notification_get(*, user, notification_id: int) -> Notification:
    """The user's own notification, or 404: whether it exists for somebody else is not theirs to know."""
    return get_object_or_404(Notification, pk=notification_id, recipient=user)
