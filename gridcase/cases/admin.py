from django.contrib import admin

from gridcase.accounts.jurisdiction import scope
from gridcase.cases.models import Case, CaseEvent, Category
from gridcase.lib.admin import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    list_editable = ["active"]


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    """Cases change only through their services (the case pages)."""

    list_display = ["number", "title", "state", "level", "registered_at"]
    list_filter = ["state", "level", "category"]
    search_fields = ["number", "title"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "at", "kind", "from_state", "to_state", "level", "actor"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "case__area_code")
