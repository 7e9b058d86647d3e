"""Form fields more than one app uses."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one input, straight from the phone's back camera (or its gallery). The files
    are only collected here: the service checks each with gridcase.lib.uploads.accept."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(PhotosField, self).clean(f, initial) for f in files]


def resubmittable(make_form, data, current_version: int):
    """After a stale save: the user's input as they typed it (`make_form(data)`), now against the
    current version. Nothing is lost, and submitting again is a deliberate decision after reading
    what changed."""
    data = data.copy()
    data["version"] = current_version
    form = make_form(data)
    form.is_valid()
    return form


class PlainSelect(forms.Select):
    """A <select> written with format_html rather than Django's widget templates (one template per
    option): several times faster, for the filter bar a busy page draws on every request. Flat
    choices only (option groups would be flattened)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (option["value"], mark_safe(" selected") if option["selected"] else "", option["label"])
            for _group, group_options, _index in widget["optgroups"] for option in group_options))
        return format_html('<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options)
