from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level
from gridcase.accounts.forms import UserAddForm, UserEditForm
from gridcase.accounts.import_views import admin_urls
from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import AuditEntry, User
from gridcase.accounts.services import user_apply_role
from gridcase.lib.admin import ReadOnlyAdmin

JURISDICTION = (_("角色与辖区"), {"fields": ["role", "area", "grids"],
                                  "description": _("先选角色和辖区，再按名称搜索网格；网格员的网格须在其所在村内")})


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Users as the county sees them: a person, a role and a jurisdiction — roles are the permissions."""

    form = UserEditForm
    add_form = UserAddForm
    list_display = ["username", "first_name", "phone", "role", "area", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "first_name", "phone", "area__name", "area__code"]
    autocomplete_fields = ["area", "grids"]
    filter_horizontal = []
    change_list_template = "admin/accounts/user/change_list.html"
    add_fieldsets = (
        (None, {"fields": ["username", "first_name", "phone"]}),
        JURISDICTION,
        (_("初始密码"), {"fields": ["usable_password", "password1", "password2"],
                          "description": _("告诉本人初始密码，请其登录后在「修改密码」中改为只有自己知道的密码")}),
    )

    class Media:
        js = ["js/admin/grids.js"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        status = ["is_active", "is_staff"] + (["is_superuser"] if request.user.is_superuser else [])
        return (
            (None, {"fields": ["username", "password"]}),
            (_("个人信息"), {"fields": ["first_name", "phone", "email"]}),
            JURISDICTION,
            (_("状态"), {"fields": status}),
            (_("时间"), {"fields": ["last_login", "date_joined"]}),
        )

    def get_readonly_fields(self, request, obj=None):
        return ["last_login", "date_joined"] if obj else []

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area__code")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "area":
            kwargs["queryset"] = scope(Area.objects.exclude(level=Level.GRID), request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "grids":
            kwargs["queryset"] = scope(Area.objects.filter(level=Level.GRID), request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_apply_role(user=form.instance)

    def get_urls(self):
        return admin_urls(self) + super().get_urls()


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "kind", "username", "actor", "ip"]
    list_filter = ["kind"]
    search_fields = ["username"]
    date_hierarchy = "at"

    def has_module_permission(self, request):
        return request.user.is_superuser  # the county's security officer, not every staff member
