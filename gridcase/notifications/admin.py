from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role
from gridcase.lib import crypto
from gridcase.lib.admin import ReadOnlyAdmin
from gridcase.notifications.forms import ContactPreferenceAdminForm
from gridcase.notifications.models import Alert, ContactPreference, Delivery, EscalationPolicy, Notification, PolicyStep


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["channel", "status", "attempts", "last_error", "sent_at", "updated_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "recipient", "created_at", "read_at"]
    list_filter = ["kind", "created_at"]
    search_fields = ["title", "kind", "recipient__username", "recipient__first_name"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "recipient__area__code")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    # Failed is the dead-letter list: filter by it to see what never went out, and why.
    list_display = ["notification", "channel", "status", "attempts", "last_error", "sent_at", "updated_at"]
    list_filter = ["status", "channel"]
    search_fields = ["notification__title", "last_error"]
    list_select_related = ["notification"]
    raw_id_fields = ["notification"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "notification__recipient__area__code")


class PolicyStepInline(admin.TabularInline):
    model = PolicyStep
    extra = 1
    fields = ["order", "users", "role", "level"]
    autocomplete_fields = ["users"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["widget"] = forms.Select(choices=[("", "—")] + list(Role.choices))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(admin.ModelAdmin):
    """Edited by the county admin: whom an unacknowledged urgent alert goes to next."""

    list_display = ["name", "area"]
    inlines = [PolicyStepInline]
    autocomplete_fields = ["area"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area__code")


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    form = ContactPreferenceAdminForm
    list_display = ["user", "masked_phone", "email", "quiet_from", "quiet_until"]
    autocomplete_fields = ["user"]
    search_fields = ["user__username", "user__first_name"]

    @admin.display(description=_("手机号"))
    def masked_phone(self, obj):
        return crypto.mask_phone(obj.phone) if obj.phone else ""

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "user__area__code")


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["title", "area_code", "created_at", "step", "acknowledged_at", "acknowledged_by"]
    list_filter = ["kind", "created_at"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "area_code")
