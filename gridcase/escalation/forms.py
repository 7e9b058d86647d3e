from django import forms
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role
from gridcase.cases.models import Level as CaseLevel
from gridcase.cases.models import State
from gridcase.escalation.models import NOTIFY_CHOICES, Kind, Rule
from gridcase.hazards.models import State as HazardState


class RuleForm(forms.ModelForm):
    levels = forms.MultipleChoiceField(label=_("办理层级"), choices=CaseLevel.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    states = forms.MultipleChoiceField(label=_("状态"), required=False, widget=forms.CheckboxSelectMultiple,
                                       choices=[(_("矛盾纠纷"), State.choices), (_("隐患"), HazardState.choices)])
    notify = forms.MultipleChoiceField(label=_("通知"), choices=NOTIFY_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Rule
        fields = ["kind", "name", "reason", "priority", "active", "area", "overrides", "levels", "states", "categories",
                  "hazard_categories", "risk_at_least", "people_at_least", "amount_at_least", "violence_risk",
                  "working_days", "anchor", "deadline_share", "deadline_offset", "action", "target_level", "refer_to",
                  "deadline_working_days", "notify"]
        widgets = {"categories": forms.CheckboxSelectMultiple, "hazard_categories": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        towns = scope(Area.objects.filter(level=Level.TOWN), user)
        self.fields["area"].queryset = towns
        self.fields["overrides"].queryset = Rule.objects.filter(area__isnull=True)
        self.fields["kind"].required = False  # older clients post no kind: their rules are case rules
        if user.role == Role.TOWN_LEADER:
            self.fields["area"].required = True
            self.fields["area"].empty_label = None

    CONDITIONS = ("levels", "states", "categories", "hazard_categories", "risk_at_least", "people_at_least",
                  "amount_at_least", "violence_risk", "working_days", "deadline_share", "deadline_offset")
    # What a hazard rule cannot use: conditions on case fields, and actions only cases have.
    CASE_ONLY = ("categories", "people_at_least", "amount_at_least", "violence_risk")
    HAZARD_ONLY = ("hazard_categories",)

    def clean(self):
        data = super().clean()
        if not any(_is_set(data.get(field)) for field in self.CONDITIONS):
            raise forms.ValidationError(_("规则至少要有一个条件"))
        kind = data["kind"] = data.get("kind") or (self.instance.kind if self.instance.pk else Kind.CASE)
        for field in self.CASE_ONLY if kind == Kind.HAZARD else self.HAZARD_ONLY:
            if _is_set(data.get(field)):
                self.add_error(field, _("该条件不适用于「%(kind)s」规则") % {"kind": Kind(kind).label})
        own_states = set(HazardState.values if kind == Kind.HAZARD else State.values)
        if kind and set(data.get("states") or ()) - own_states:
            self.add_error("states", _("请选择「%(kind)s」的状态") % {"kind": Kind(kind).label})
        if data.get("overrides") and data["overrides"].kind != kind:
            self.add_error("overrides", _("只能替代同一适用对象的规则"))
        if kind == Kind.HAZARD and data.get("action") not in ("escalate_one", "escalate_to", "notify"):
            self.add_error("action", _("隐患规则只能上报或通知"))
        if data.get("overrides") and not data.get("area"):
            self.add_error("overrides", _("只有乡镇规则可以替代全县规则"))
        return data


def _is_set(value) -> bool:
    if hasattr(value, "exists"):
        return value.exists()
    return value not in (None, "", [])
