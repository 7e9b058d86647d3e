from gridcase.notifications.selectors import unread_count


def unread(request):
    """The unread count for the top bar's 消息 link: one count on a partial index per page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": unread_count(user=user)}
