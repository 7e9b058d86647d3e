from django.contrib import admin

from gridcase.escalation.models import Rule, RuleFiring


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    list_display = ["priority", "name", "area", "action", "active"]
    list_filter = ["active", "action"]


@admin.register(RuleFiring)
class RuleFiringAdmin(admin.ModelAdmin):
    list_display = ["rule", "case", "key", "fired_at"]

    def has_change_permission(self, request, obj=None):
        return False
