from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "gridcase.dashboards"
    label = "dashboards"
    verbose_name = _("统计分析")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from gridcase.dashboards.measures import cases, registry  # noqa: F401  (registers the case measures)

        # Other apps add their measures in a `measures.py` module of their own (see registry.register).
        autodiscover_modules("measures")
        registry.link_case_sets()
