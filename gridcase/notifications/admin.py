from django import forms
from django.contrib import admin
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role
from gridcase.lib import crypto
from gridcase.lib.admin import ReadOnlyAdmin
from gridcase.notifications.channels import channel_label, channel_name, configured_channels
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


class ContactPreferenceForm(forms.ModelForm):
    phone = forms.CharField(label=_("手机号"), required=False, max_length=20,
                            validators=[RegexValidator(r"^1\d{10}$", _("请输入 11 位手机号"))])

    class Meta:
        model = ContactPreference
        fields = ["user", "channels", "email", "phone", "wecom_userid", "quiet_from", "quiet_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"] = forms.MultipleChoiceField(
            label=_("接收渠道"), required=False, widget=forms.CheckboxSelectMultiple,
            help_text=_("不选为全部已启用的渠道"),
            choices=[(channel_name(path), channel_label(path)) for path in configured_channels()])
        if self.instance.pk:
            self.initial["phone"] = self.instance.phone

    def save(self, commit=True):
        self.instance.phone = self.cleaned_data.get("phone", "")
        return super().save(commit)


@admin.register(ContactPreference)
class ContactPreferenceAdmin(admin.ModelAdmin):
    form = ContactPreferenceForm
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
