from django import forms
from django.utils.translation import gettext_lazy as _

from gridcase.cases.models import Category, Level, Source
from gridcase.dashboards.measures.registry import Filters
from gridcase.dashboards.models import Export
from gridcase.lib.forms import PlainSelect

DATE = forms.DateInput(attrs={"type": "date"})


def _categories():
    return [("", _("全部")), *Category.objects.values_list("pk", "name")]


class DashboardFilterForm(forms.Form):
    # Plain selects: the bar is drawn on every dashboard request (see PlainSelect).
    period = forms.ChoiceField(label=_("统计周期"), required=False, initial="month", widget=PlainSelect, choices=[
        ("month", _("月")), ("quarter", _("季度")), ("year", _("年")), ("custom", _("自定义"))])
    start = forms.DateField(label=_("起始"), required=False, widget=DATE)
    end = forms.DateField(label=_("截止"), required=False, widget=DATE)
    category = forms.TypedChoiceField(label=_("类型"), choices=_categories, coerce=int, empty_value=None,
                                      required=False, widget=PlainSelect)
    source = forms.ChoiceField(label=_("来源"), choices=[("", _("全部"))] + Source.choices, required=False,
                               widget=PlainSelect)
    level = forms.ChoiceField(label=_("办理层级"), choices=[("", _("全部"))] + Level.choices, required=False,
                              widget=PlainSelect)

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(category=data.get("category"), source=data.get("source") or "", level=data.get("level") or "")


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("台账"), choices=Export.Kind.choices)
    area = forms.ChoiceField(label=_("区域"))
    start = forms.DateField(label=_("登记日期自"), widget=DATE)
    end = forms.DateField(label=_("登记日期至"), widget=DATE)

    def __init__(self, *args, areas: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = areas

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("截止日期不能早于起始日期"))
        return data


class TargetForm(forms.Form):
    """One optional decimal per measure: blank means "use the default (or the county's)"."""

    def __init__(self, *args, measures, current, **kwargs):
        super().__init__(*args, **kwargs)
        for measure in measures:
            self.fields[measure.key] = forms.DecimalField(
                label=measure.label, required=False, min_value=0, max_digits=7, decimal_places=2,
                initial=current.get(measure.key), help_text=measure.definition)
