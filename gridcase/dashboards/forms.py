from django import forms
from django.utils.translation import gettext_lazy as _

from gridcase.cases.models import Category, Level, Source
from gridcase.dashboards.measures.registry import Filters
from gridcase.dashboards.models import Export

DATE = forms.DateInput(attrs={"type": "date"})


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("统计周期"), required=False, initial="month", choices=[
        ("month", _("月")), ("quarter", _("季度")), ("year", _("年")), ("custom", _("自定义"))])
    start = forms.DateField(label=_("起始"), required=False, widget=DATE)
    end = forms.DateField(label=_("截止"), required=False, widget=DATE)
    category = forms.ModelChoiceField(label=_("类型"), queryset=Category.objects.all(), required=False,
                                      empty_label=_("全部"))
    source = forms.ChoiceField(label=_("来源"), choices=[("", _("全部"))] + Source.choices, required=False)
    level = forms.ChoiceField(label=_("办理层级"), choices=[("", _("全部"))] + Level.choices, required=False)

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        category = data.get("category")
        return Filters(category=category.pk if category else None, source=data.get("source") or "",
                       level=data.get("level") or "")


class ExportForm(forms.Form):
    kind = forms.ChoiceField(label=_("台账"), choices=Export.Kind.choices)
    area = forms.CharField(label=_("区域代码"), max_length=15)
    start = forms.DateField(label=_("登记日期自"), widget=DATE)
    end = forms.DateField(label=_("登记日期至"), widget=DATE)

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
