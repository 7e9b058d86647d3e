from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RequestsConfig(AppConfig):
    name = "gridcase.requests"
    label = "requests"
    verbose_name = _("民情诉求（三事分流）")
