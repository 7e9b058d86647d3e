from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "gridcase.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self):
        from gridcase.notifications.channels import configured_channels

        # A channel listed without its URL or secret is a deployment mistake: say so at start-up,
        # not in the first alert that fails to go out.
        configured_channels()
