from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import AuditEntry, User
from gridcase.lib.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "area", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "first_name", "last_name", "area__name", "area__code"]
    autocomplete_fields = ["area"]
    filter_horizontal = ["grids", "groups", "user_permissions"]
    fieldsets = BaseUserAdmin.fieldsets + ((_("角色与辖区"), {"fields": ["role", "area", "grids", "phone"]}),)

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area__code")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "grids":
            from geodata.models import Area, Level

            kwargs["queryset"] = scope(Area.objects.filter(level=Level.GRID), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "actor", "ip"]
    list_filter = ["kind"]
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_superuser  # the county's security officer, not every staff member
