from django.contrib import admin

from gridcase.accounts.jurisdiction import scope
from gridcase.lib.admin import ReadOnlyAdmin
from gridcase.notifications.models import Delivery, Notification


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
    list_display = ["notification", "channel", "status", "attempts", "sent_at", "updated_at"]
    list_filter = ["status", "channel"]
    search_fields = ["notification__title", "last_error"]
    list_select_related = ["notification"]
    raw_id_fields = ["notification"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "notification__recipient__area__code")
