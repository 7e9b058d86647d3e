from django.contrib import admin
from django.db.models import Q

from gridcase.accounts.jurisdiction import scope, within
from gridcase.lib.admin import ReadOnlyAdmin
from gridcase.requests.models import Office, Request, RequestCategory, RequestEvent, ThreeList, ThreeListSignOff


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "town", "time_limit_days", "active", "order"]
    list_filter = ["active"]
    filter_horizontal = ["members"]
    raw_id_fields = ["town"]

    def get_queryset(self, request):
        # The general offices (no town) are shared configuration; a town's own only within jurisdiction.
        return super().get_queryset(request).filter(Q(town__isnull=True) | within(request.user, "town__code"))


@admin.register(RequestCategory)
class RequestCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "default_kind", "default_office", "active"]
    list_editable = ["active"]


@admin.register(Request)
class RequestAdmin(ReadOnlyAdmin):
    """Read-only: requests change through the services (pages), which keep the timeline."""

    list_display = ["number", "received_on", "category", "kind", "state", "reporter_name_masked", "reporters_count"]
    list_filter = ["state", "kind", "channel"]
    search_fields = ["number"]
    exclude = ["reporter_name_encrypted", "contact_encrypted", "location"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")


@admin.register(RequestEvent)
class RequestEventAdmin(ReadOnlyAdmin):
    list_display = ["request", "at", "kind", "actor", "from_state", "to_state"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "request__area_code")


class SignOffInline(admin.StackedInline):
    model = ThreeListSignOff
    can_delete = False
    extra = 0


@admin.register(ThreeList)
class ThreeListAdmin(admin.ModelAdmin):
    list_display = ["village", "year", "quarter", "generated_at"]
    inlines = [SignOffInline]
    readonly_fields = ["village", "year", "quarter", "generated_at", "generated_by", "rows", "totals"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "village__code")
