"""One form per action; views hand cleaned_data to the matching service."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcase.deliberation.models import AttendeeRole, Channel, ListItem, Source, State, SurveyResponse
from gridcase.lib.forms import PhotosField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class VersionedForm(forms.Form):
    """Carries the version of the topic the user saw, so that a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class ProposeForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    village = forms.ModelChoiceField(label=_("村(社区)"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("议题"), max_length=200)
    list_item = forms.ModelChoiceField(label=_("清单事项"), queryset=ListItem.objects.filter(active=True))
    description = forms.CharField(label=_("具体问题"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    place = forms.CharField(label=_("问题地点"), max_length=100, required=False)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)
    case_number = forms.CharField(label=_("来源案件编号"), max_length=32, required=False)
    request_number = forms.CharField(label=_("来源诉求编号"), max_length=40, required=False)
    channel = forms.ChoiceField(label=_("咨询方式"), choices=Channel.choices)
    proposer_name = forms.CharField(label=_("提议人（咨询人）"), max_length=50, required=False)
    proposer_phone = forms.RegexField(label=_("联系电话"), regex=r"^[\d\-+ ]{7,20}$", required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class NoteForm(VersionedForm):
    note = forms.CharField(label=_("说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class ReviewForm(VersionedForm):
    opinion = forms.CharField(label=_("法律意见"), widget=forms.Textarea(attrs={"rows": 4}), required=False)


class AssignForm(VersionedForm):
    responsible = forms.ModelChoiceField(label=_("责任人（系统用户）"), queryset=None, required=False)
    responsible_name = forms.CharField(label=_("责任人姓名（无账号时填写）"), max_length=50, required=False)
    deadline = forms.DateField(label=_("完成期限"), widget=DATE)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = people

    def clean(self):
        data = super().clean()
        if not data.get("responsible") and not (data.get("responsible_name") or "").strip():
            raise forms.ValidationError(_("请选择或填写责任人"))
        return data


class ProgressForm(forms.Form):
    note = forms.CharField(label=_("进展情况"), widget=forms.Textarea(attrs={"rows": 3}))
    photos = PhotosField(label=_("现场照片（可多张）"), required=False)


class SurveyForm(forms.Form):
    respondent = forms.ChoiceField(label=_("受访人"), choices=SurveyResponse.Respondent.choices)
    rating = forms.ChoiceField(label=_("满意度"), choices=SurveyResponse.Rating.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("意见"), max_length=200, required=False)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea(attrs={"rows": 3}))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"placeholder": _("议题或问题描述")}))
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + State.choices, required=False)
    list_item = forms.ModelChoiceField(label=_("清单事项"), queryset=ListItem.objects.all(), required=False,
                                       empty_label=_("全部"))
    village = forms.CharField(label=_("村(社区)代码"), required=False, max_length=12)
    fast_track = forms.BooleanField(label=_("仅急事急议"), required=False)
    overdue = forms.BooleanField(label=_("仅执行逾期"), required=False)


class MeetingForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    held_at = forms.DateTimeField(label=_("活动时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    place = forms.CharField(label=_("活动地点"), max_length=100)
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, required=False,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, required=False,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    recorder = forms.CharField(label=_("记录人"), max_length=50, required=False)

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            raise forms.ValidationError(_("地图位置需同时有经度和纬度"))
        return data


class AttendeeForm(forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=AttendeeRole.choices)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    present = forms.BooleanField(label=_("出席"), required=False, initial=True)


# Rows left without a name are skipped.
AttendeeFormSet = forms.formset_factory(AttendeeForm, extra=3, max_num=60, validate_max=True)


class MinutesForm(VersionedForm):
    item = forms.IntegerField(widget=forms.HiddenInput)
    discussion = forms.CharField(label=_("会议内容"), widget=forms.Textarea(attrs={"rows": 4}))
    decision = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}))
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0)


class ObjectionForm(forms.Form):
    name = forms.CharField(label=_("姓名（可不填）"), max_length=50, required=False)
    contact = forms.RegexField(label=_("联系电话（可不填，便于答复您；不会公开）"), regex=r"^[\d\-+ ]{7,20}$",
                               required=False, widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
                               error_messages={"invalid": _("请填写正确的电话号码（7—20 位数字），或不填")})
    text = forms.CharField(label=_("异议内容"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           error_messages={"required": _("请填写异议内容")})


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("起"), widget=DATE)
    end = forms.DateField(label=_("止"), widget=DATE)
    area = forms.CharField(label=_("辖区代码"), max_length=12, required=False)
