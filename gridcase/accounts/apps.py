from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "gridcase.accounts"
    label = "accounts"
    verbose_name = _("用户与辖区")

    def ready(self):
        from gridcase.accounts import audit

        audit.connect()
