from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "gridcase.workdays"
    label = "workdays"
    verbose_name = _("工作日历")

    def ready(self):
        from gridcase.workdays.models import CalendarDay
        from gridcase.workdays.selectors import calendar_changed

        # Cache invalidation only; no business logic hangs on these signals.
        post_save.connect(calendar_changed, sender=CalendarDay, dispatch_uid="workdays.calendar_saved")
        post_delete.connect(calendar_changed, sender=CalendarDay, dispatch_uid="workdays.calendar_deleted")
