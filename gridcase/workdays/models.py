from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

WEEKDAY_NAMES = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


def is_weekday(day) -> bool:
    """The normal rule, before exceptions: Monday to Friday are working days."""
    return day.weekday() < 5


class CalendarDay(models.Model):
    """An exception to the normal week: a holiday on a weekday, or a weekend day worked (调休上班).

    Days that follow the normal rule are not stored, so a year's rows are short: about 20.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("上班"), help_text=_("勾选：周末调休上班；不勾选：工作日放假"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如“春节”“春节调休上班”"))

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        kind = _("上班") if self.is_workday else _("放假")
        return f"{self.date:%Y-%m-%d} {kind} {self.note}".rstrip()

    def clean(self):
        if self.date and self.is_workday == is_weekday(self.date):
            # Storing a day that follows the normal rule would hide which days are really exceptions.
            if self.is_workday:
                raise ValidationError({"is_workday": _("周一至周五本来就上班，无需登记")})
            raise ValidationError({"is_workday": _("周六、周日本来就休息，无需登记")})
