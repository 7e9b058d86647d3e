from django.contrib import admin

from gridcase.accounts.jurisdiction import scope
from gridcase.dashboards.models import Export, MeasureTarget


@admin.register(MeasureTarget)
class MeasureTargetAdmin(admin.ModelAdmin):
    list_display = ["measure", "area", "value", "updated_at"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area__code")


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["kind", "area_code", "user", "status", "created_at"]
    readonly_fields = [f.name for f in Export._meta.fields]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")
