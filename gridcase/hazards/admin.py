from django.contrib import admin

from gridcase.accounts.jurisdiction import scope
from gridcase.hazards.models import Hazard, HazardCategory, HazardEvent, InspectionPlan
from gridcase.lib.admin import ReadOnlyAdmin


@admin.register(HazardCategory)
class HazardCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    list_editable = ["active"]


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    """Hazards change only through their services (the hazard pages)."""

    list_display = ["number", "title", "state", "level", "severity", "deadline", "reported_at"]
    list_filter = ["state", "level", "severity", "category"]
    search_fields = ["number", "title"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnlyAdmin):
    list_display = ["hazard", "at", "kind", "from_state", "to_state", "level", "actor"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "hazard__area_code")


@admin.register(InspectionPlan)
class InspectionPlanAdmin(admin.ModelAdmin):
    list_display = ["title", "interval", "assignee", "starts_on", "active"]
    list_filter = ["interval", "active"]
    list_editable = ["active"]
    fields = ["title", "interval", "assignee", "starts_on", "active"]

    def has_add_permission(self, request):
        return False  # plans are made from a hazard's page, where the place is checked

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")
