from django.contrib import admin

from gridcase.accounts.jurisdiction import scope
from gridcase.cases.models import Case, CaseEvent, Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    list_editable = ["active"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    """Read-only: cases change only through their services (the case pages)."""

    list_display = ["number", "title", "state", "level", "registered_at"]
    list_filter = ["state", "level", "category"]
    search_fields = ["number", "title"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["case", "at", "kind", "from_state", "to_state", "level", "actor"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "case__area_code")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
