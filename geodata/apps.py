from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeodataConfig(AppConfig):
    name = "geodata"
    verbose_name = _("辖区与网格")

    def ready(self):
        from geodata import checks  # noqa: F401  (registers the basemap check)
