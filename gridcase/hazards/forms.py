"""One form per action; views hand cleaned_data to the matching service."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.models import Role, User
from gridcase.hazards.models import HazardCategory, HazardPhoto, Interval, ResponsibleKind, Severity, State
from gridcase.lib.forms import PhotosField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.Form):
    """Carries the version of the hazard the user saw, so that a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ReportForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    patrol = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the patrol it was found on
    title = forms.CharField(label=_("标题"), max_length=200)
    category = forms.ModelChoiceField(label=_("隐患类别"), queryset=HazardCategory.objects.filter(active=True))
    severity = forms.TypedChoiceField(label=_("隐患等级"), choices=Severity.choices, coerce=int, initial=Severity.GENERAL)
    description = forms.CharField(label=_("隐患描述"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, widget=forms.NumberInput(attrs={"step": "any"}))
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, widget=forms.NumberInput(attrs={"step": "any"}))
    responsible_kind = forms.ChoiceField(label=_("责任主体类型"), choices=ResponsibleKind.choices)
    responsible_name = forms.CharField(label=_("责任单位/责任人"), max_length=100, required=False)
    responsible_contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    photos = PhotosField(label=_("整改前照片"), required=False)


class NoteForm(VersionedForm):
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class VerifyForm(NoteForm):
    severity = forms.TypedChoiceField(label=_("隐患等级"), choices=Severity.choices, coerce=int)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class RectifyForm(VersionedForm):
    responsible_kind = forms.ChoiceField(label=_("责任主体类型"), choices=ResponsibleKind.choices)
    responsible_name = forms.CharField(label=_("责任单位/责任人"), max_length=100)
    responsible_contact = forms.CharField(label=_("联系方式"), max_length=50, required=False)
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)
    note = forms.CharField(label=_("整改要求"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def clean_deadline(self):
        return _not_past(self.cleaned_data["deadline"])


class CompleteForm(VersionedForm):
    photos = PhotosField(label=_("整改后照片"))
    note = forms.CharField(label=_("整改情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReworkForm(ReasonForm):
    deadline = forms.DateField(label=_("新的整改期限（可不填）"), widget=DATE, required=False)

    def clean_deadline(self):
        day = self.cleaned_data["deadline"]
        return _not_past(day) if day else None


class ExtendForm(VersionedForm):
    new_deadline = forms.DateField(label=_("申请延至"), widget=DATE)
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def clean_new_deadline(self):
        return _not_past(self.cleaned_data["new_deadline"])


class DecideExtensionForm(VersionedForm):
    approve = forms.TypedChoiceField(label=_("审核结果"), choices=[("1", _("批准延期")), ("0", _("不批准"))],
                                     coerce=lambda v: v == "1", widget=forms.RadioSelect)
    note = forms.CharField(label=_("审核意见（不批准时必填）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EscalateForm(ReasonForm):
    pass


class PhotoForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=HazardPhoto.Kind.choices)
    file = forms.FileField(label=_("照片"), widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("编号、标题或责任单位")}))
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + State.choices, required=False)
    category = forms.ModelChoiceField(label=_("类别"), queryset=HazardCategory.objects.all(), required=False,
                                      empty_label=_("全部"))
    severity = forms.TypedChoiceField(label=_("等级"), choices=[("", _("全部"))] + Severity.choices, coerce=int,
                                      required=False, empty_value=None)
    overdue = forms.BooleanField(label=_("仅超期"), required=False)


class InspectionDoneForm(forms.Form):
    note = forms.CharField(label=_("巡查情况"), widget=forms.Textarea(attrs={"rows": 3}))


class PlanForm(forms.Form):
    title = forms.CharField(label=_("巡查内容"), max_length=200)
    interval = forms.ChoiceField(label=_("周期"), choices=Interval.choices, initial=Interval.MONTHLY)
    assignee = forms.ModelChoiceField(label=_("负责网格员"), queryset=User.objects.none())
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE, initial=lambda: timezone.localdate())

    def __init__(self, *args, workers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (workers if workers is not None
                                            else User.objects.filter(role=Role.GRID_WORKER).none())


def _not_past(day):
    if day < timezone.localdate():
        raise forms.ValidationError(_("日期不能早于今天"))
    return day
