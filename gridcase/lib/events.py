"""What the timelines show of an append-only event row (cases, hazards, deliberation topics)."""

from importlib import import_module


class TimelineEntry:
    """Mixed into an event model that has `kind`, `from_state` and `to_state`. `labels_module` names the
    module holding the app's EVENT_LABELS (read lazily: workflow modules import the models);
    `states` is the app's State choices."""

    labels_module: str
    states: type

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
