from django.contrib import admin

from gridcase.escalation.models import Rule, RuleFiring


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "kind", "name", "area", "action", "active"]
    list_filter = ["kind", "active", "action"]


@admin.register(RuleFiring)
class RuleFiringAdmin(admin.ModelAdmin):
    list_display = ["rule", "subject_kind", "subject_id", "key", "fired_at"]
    list_filter = ["subject_kind"]

    def has_change_permission(self, request, obj=None):
        return False
