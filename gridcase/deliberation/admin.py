from django.contrib import admin

from gridcase.accounts.jurisdiction import scope
from gridcase.deliberation.models import ListItem, Meeting, Supervisor, Topic, TopicEvent
from gridcase.lib.admin import ReadOnlyAdmin


@admin.register(ListItem)
class ListItemAdmin(admin.ModelAdmin):
    """The 议事清单 is the villages' to extend (通过日常工作不断细化、补充清单内容)."""

    list_display = ["code", "name", "group", "active"]
    list_filter = ["group", "active"]
    list_editable = ["active"]


@admin.register(Supervisor)
class SupervisorAdmin(admin.ModelAdmin):
    list_display = ["village", "user"]
    autocomplete_fields = ["user"]
    raw_id_fields = ["village"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "village__code")


@admin.register(Topic)
class TopicAdmin(ReadOnlyAdmin):
    """Topics change only through their services (the deliberation pages)."""

    list_display = ["title", "village", "state", "fast_track", "registered_at"]
    list_filter = ["state", "list_item", "fast_track"]
    search_fields = ["title"]
    exclude = ["proposer_phone_encrypted"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "village_code")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["village", "held_at", "place"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "village_code")


@admin.register(TopicEvent)
class TopicEventAdmin(ReadOnlyAdmin):
    list_display = ["topic", "at", "kind", "from_state", "to_state", "actor"]
    list_filter = ["kind"]

    def get_queryset(self, request):
        return scope(super().get_queryset(request), request.user, "topic__village_code")
