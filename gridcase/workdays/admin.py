from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridcase.workdays.models import WEEKDAY_NAMES, CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]
    fields = ["date", "is_workday", "note"]

    @admin.display(description=_("星期"))
    def weekday(self, obj):
        return WEEKDAY_NAMES[obj.date.weekday()]
