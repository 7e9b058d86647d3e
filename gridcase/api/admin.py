from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import User
from gridcase.api.models import ApiToken
from gridcase.lib import clock


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued here (the key is shown once), and revoked rather than deleted."""

    list_display = ["name", "user", "prefix", "scopes", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["user", "name", "scopes", "expires_at", "revoked_at", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user"]
    actions = ["revoke"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request).select_related("user"), request.user, "user__area__code")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user":
            kwargs["queryset"] = scope(User.objects.all(), request.user, "area__code")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            key = obj.issue_key()
            messages.warning(request, _("令牌已签发。请立即复制并交给使用方，此后不再显示：%(key)s") % {"key": key})
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=clock.now())
        self.message_user(request, _("已吊销 %(count)d 个令牌") % {"count": count})
