"""The append-only event rows of cases, hazards and deliberation topics, and what their timelines show."""

from importlib import import_module

from django.conf import settings
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class TimelineEntry(models.Model):
    """An event: what happened (`kind`, dotted: case.escalated …), when, by whom, the state it moved
    from and to, and the subject's version after it. A concrete model adds the subject's foreign key
    and its indexes; its migration makes the table refuse UPDATE and DELETE.

    `labels_module` names the module holding the app's EVENT_LABELS (read lazily: workflow modules
    import the models); `states` is the app's State choices."""

    labels_module: str
    states: type

    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.DO_NOTHING,
                              related_name="+", help_text=gettext_lazy("为空表示系统（规则）"))
    kind = models.CharField(max_length=40)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    version = models.PositiveIntegerField()
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @property
    def who(self) -> str:
        """Who did it; no user means the rules did."""
        return str(self.actor) if self.actor_id else _("系统规则")

    @property
    def label(self) -> str:
        labels = import_module(self.labels_module).EVENT_LABELS
        return str(labels.get(self.kind, self.kind))

    @property
    def moved(self) -> bool:
        return self.from_state != self.to_state

    def get_from_state_display(self) -> str:
        return str(self.states(self.from_state).label) if self.from_state else ""

    def get_to_state_display(self) -> str:
        return str(self.states(self.to_state).label) if self.to_state else ""
