from django import forms
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role
from gridcase.cases.models import Level as CaseLevel
from gridcase.cases.models import State
from gridcase.escalation.models import NOTIFY_CHOICES, Rule


class RuleForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(label=_("办理层级"), choices=CaseLevel.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    states = forms.MultipleChoiceField(label=_("案件状态"), choices=State.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    notify = forms.MultipleChoiceField(label=_("通知"), choices=NOTIFY_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Rule
        fields = ["name", "reason", "priority", "active", "area", "overrides", "levels", "states", "categories",
                  "risk_at_least", "people_at_least", "amount_at_least", "violence_risk", "working_days", "anchor",
                  "deadline_share", "action", "target_level", "refer_to", "deadline_working_days", "notify"]
        widgets = {"categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        towns = scope(Area.objects.filter(level=Level.TOWN), user)
        self.fields["area"].queryset = towns
        self.fields["overrides"].queryset = Rule.objects.filter(area__isnull=True)
        if user.role == Role.TOWN_LEADER:
            self.fields["area"].required = True
            self.fields["area"].empty_label = None

    CONDITIONS = ("levels", "states", "categories", "risk_at_least", "people_at_least", "amount_at_least",
                  "violence_risk", "working_days", "deadline_share")

    def clean(self):
        data = super().clean()
        if not any(_is_set(data.get(field)) for field in self.CONDITIONS):
            raise forms.ValidationError(_("规则至少要有一个条件"))
        if data.get("overrides") and not data.get("area"):
            self.add_error("overrides", _("只有乡镇规则可以替代全县规则"))
        return data


def _is_set(value) -> bool:
    if hasattr(value, "exists"):
        return value.exists()
    return value not in (None, "", [])
