from django.contrib import admin

from gridcase.lib.admin import ReadOnlyAdmin
from gridcase.outbox.models import Message


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    list_display = ["task", "args", "created_at", "attempts", "next_attempt_at", "last_error"]
