from django.contrib import admin

from gridcase.dashboards.models import Export, MeasureTarget


@admin.register(MeasureTarget)
class MeasureTargetAdmin(admin.ModelAdmin):
    list_display = ["measure", "area", "value", "updated_at"]


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    list_display = ["kind", "area_code", "user", "status", "created_at"]
    readonly_fields = [f.name for f in Export._meta.fields]
