from django import forms
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role
from gridcase.cases.models import Level as CaseLevel
from gridcase.escalation import kinds
from gridcase.escalation.kinds import TIMING
from gridcase.escalation.models import NOTIFY_CHOICES, Action, Kind, Rule

# Conditions any kind may have; each kind says which of them apply to it (kinds.SubjectKind.conditions).
CONDITIONS = ("levels", "states", "categories", "hazard_categories", "request_kinds", "risk_at_least",
              "people_at_least", "amount_at_least", "violence_risk", "working_days", "deadline_share",
              "deadline_offset")
COMMON = ("kind", "name", "reason", "priority", "active", "area", "overrides")
# What an action needs besides itself.
ACTION_FIELDS = {Action.ESCALATE_TO: "target_level", Action.REFER: "refer_to",
                 Action.SET_DEADLINE: "deadline_working_days"}


class RuleForm(forms.ModelForm):
    """One form for the rules of every kind: it shows the conditions, anchors, actions and
    recipients of the rule's kind, and refuses whatever another kind's rule would have."""

    levels = forms.MultipleChoiceField(label=_("办理层级"), choices=CaseLevel.choices, required=False,
                                       widget=forms.CheckboxSelectMultiple)
    states = forms.MultipleChoiceField(label=_("状态"), required=False, widget=forms.CheckboxSelectMultiple)
    request_kinds = forms.MultipleChoiceField(label=_("三事分流"), required=False, widget=forms.CheckboxSelectMultiple,
                                              choices=Rule._meta.get_field("request_kinds").base_field.choices)
    notify = forms.MultipleChoiceField(label=_("通知"), choices=NOTIFY_CHOICES, required=False,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Rule
        fields = ["kind", "name", "reason", "priority", "active", "area", "overrides", "levels", "states", "categories",
                  "hazard_categories", "request_kinds", "risk_at_least", "people_at_least", "amount_at_least",
                  "violence_risk", "working_days", "anchor", "deadline_share", "deadline_offset", "action",
                  "target_level", "refer_to", "deadline_working_days", "notify", "urgent", "ack_minutes"]
        widgets = {"categories": forms.CheckboxSelectMultiple, "hazard_categories": forms.CheckboxSelectMultiple,
                   "kind": forms.HiddenInput}

    def __init__(self, *args, user, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.subject_kind = kinds.get(self._kind_key(kind))
        towns = scope(Area.objects.filter(level=Level.TOWN), user)
        self.fields["area"].queryset = towns
        self.fields["overrides"].queryset = Rule.objects.filter(area__isnull=True, kind=self.subject_kind.key)
        self.fields["kind"].required = False  # older clients post no kind: their rules are case rules
        self.fields["ack_minutes"].required = False  # matters only for urgent rules; the model's default then
        self.initial["kind"] = self.subject_kind.key
        # Every kind's states are valid input (so that a wrong one gets a clear error below); the
        # page offers the rule's own.
        self.fields["states"].choices = [(k.label, k.state_choices()) for k in kinds.all_kinds()]
        self._offer_only_what_the_kind_has()
        if user.role == Role.TOWN_LEADER:
            self.fields["area"].required = True
            self.fields["area"].empty_label = None

    def _kind_key(self, asked: str | None) -> str:
        for key in (self.data.get("kind") if self.is_bound else None, self.instance.kind if self.instance.pk else None,
                    asked):
            if key in kinds.KINDS:
                return key
        return Kind.CASE

    def _offer_only_what_the_kind_has(self) -> None:
        kind = self.subject_kind
        self.fields["states"].widget.choices = kind.state_choices()
        self.fields["action"].widget.choices = [c for c in Action.choices if c[0] in kind.actions]
        self.fields["anchor"].widget.choices = [c for c in self.fields["anchor"].choices if c[0] in kind.anchors]
        self.fields["notify"].widget.choices = [c for c in NOTIFY_CHOICES if c[0] in kind.groups or c[0] in Role.values]

    def kind_fields(self) -> list:
        """The fields that make sense for the rule's kind, in form order (the template shows these)."""
        kind = self.subject_kind
        names = set(COMMON) | set(kind.conditions) | {"working_days", "deadline_share", "deadline_offset", "action",
                                                      "notify", "urgent", "ack_minutes"}
        names |= {"anchor"} if kind.anchors else set()
        names |= {field for action, field in ACTION_FIELDS.items() if action in kind.actions}
        return [self[name] for name in self.fields if name in names and name != "kind"]

    def clean(self):
        data = super().clean()
        kind = self.subject_kind
        data["kind"] = kind.key
        if data.get("ack_minutes") is None:
            data["ack_minutes"] = Rule._meta.get_field("ack_minutes").default
        label = {"kind": kind.label}
        if not any(_is_set(data.get(field)) for field in CONDITIONS):
            raise forms.ValidationError(_("规则至少要有一个条件"))
        for field in CONDITIONS:
            if field not in kind.conditions and field not in TIMING and _is_set(data.get(field)):
                # Not on the page of this kind: said above the form, by name.
                self.add_error(None, _("「%(field)s」：该条件不适用于「%(kind)s」规则") % {
                    "field": self.fields[field].label, **label})
        if set(data.get("states") or ()) - {value for value, _label in kind.state_choices()}:
            self.add_error("states", _("请选择「%(kind)s」的状态") % label)
        if data.get("working_days") is not None and data.get("anchor") not in kind.anchors:
            self.add_error("anchor", _("「%(kind)s」规则没有这个起算点") % label)
        if data.get("action") and data["action"] not in kind.actions:
            self.add_error("action", kind.actions_error)
        if set(data.get("notify") or ()) - set(Role.values) - set(kind.groups):
            self.add_error("notify", _("「%(kind)s」规则不能通知所选人员") % label)
        if data.get("overrides") and data["overrides"].kind != kind.key:
            self.add_error("overrides", _("只能替代同一适用对象的规则"))
        if data.get("overrides") and not data.get("area"):
            self.add_error("overrides", _("只有乡镇规则可以替代全县规则"))
        return data


def _is_set(value) -> bool:
    if hasattr(value, "exists"):
        return value.exists()
    return value not in (None, "", [])
