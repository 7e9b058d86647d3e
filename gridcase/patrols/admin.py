from django.contrib.gis import admin

from gridcase.accounts.jurisdiction import scope
from gridcase.lib.admin import ReadOnlyAdmin
from gridcase.patrols.models import CheckPoint, Dispatch, Patrol, PatrolEvent


@admin.register(CheckPoint)
class CheckPointAdmin(admin.GISModelAdmin):
    """County admins place the check points of key areas and set each one's radius here."""

    list_display = ["name", "key_area", "radius_m", "active"]
    list_editable = ["radius_m", "active"]
    list_filter = ["active"]
    search_fields = ["name", "key_area__name"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request).select_related("key_area"), request.user, "area_code")


@admin.register(Patrol)
class PatrolAdmin(ReadOnlyAdmin):
    """Patrols change only through their services (the patrol pages and the phone)."""

    list_display = ["id", "type", "status", "area_code", "started_at", "distance_m", "points_kept", "points_dropped"]
    list_filter = ["status", "type"]
    exclude = ["track"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")


@admin.register(PatrolEvent)
class PatrolEventAdmin(ReadOnlyAdmin):
    list_display = ["patrol", "at", "kind", "from_status", "to_status", "actor"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "patrol__area_code")


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ["note", "worker", "dispatched_at", "distance_m", "status", "response_s", "compliant"]
    list_filter = ["status", "compliant"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")
