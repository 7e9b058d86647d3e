from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import gettext_lazy as _


class EscalationConfig(AppConfig):
    name = "gridcase.escalation"
    label = "escalation"
    verbose_name = _("上报规则")

    def ready(self):
        from django.utils.module_loading import autodiscover_modules

        from gridcase.escalation.engine import clear_rules_cache
        from gridcase.escalation.models import Rule

        autodiscover_modules("rules")  # each app's kind of rule subject (gridcase.escalation.kinds)

        post_save.connect(clear_rules_cache, sender=Rule, dispatch_uid="escalation-rules-saved")
        post_delete.connect(clear_rules_cache, sender=Rule, dispatch_uid="escalation-rules-deleted")
        m2m_changed.connect(clear_rules_cache, sender=Rule.categories.through, dispatch_uid="escalation-rules-categories")
        m2m_changed.connect(clear_rules_cache, sender=Rule.hazard_categories.through,
                            dispatch_uid="escalation-rules-hazard-categories")
