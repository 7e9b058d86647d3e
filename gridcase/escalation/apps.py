from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "gridcase.escalation"
    label = "escalation"
    verbose_name = _("上报规则")
