from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HazardsConfig(AppConfig):
    name = "gridcase.hazards"
    label = "hazards"
    verbose_name = _("隐患排查整改")
