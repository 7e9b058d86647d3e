"""One form per action; views hand cleaned_data to the matching service."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from geodata.models import Area
from gridcase.cases.models import Category as CaseCategory
from gridcase.lib.forms import PhotosField
from gridcase.requests.models import Channel, Handling, Kind, Office, RequestCategory, Satisfaction, State

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CONTACT = r"^[\d\-+ ]{5,20}$"


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class LocationFields(forms.Form):
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, required=False,
                           widget=forms.NumberInput(attrs={"step": "any"}))
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, required=False,
                           widget=forms.NumberInput(attrs={"step": "any"}))

    def clean(self):
        data = super().clean()
        if (data.get("lon") is None) != (data.get("lat") is None):
            raise forms.ValidationError(_("经度和纬度须同时填写，或都不填"))
        return data


class IntakeForm(LocationFields):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    patrol = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the patrol it was found on
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    received_on = forms.DateField(label=_("反映日期"), widget=DATE, initial=lambda: timezone.localdate())
    village = forms.ModelChoiceField(label=_("所属村(社区)"), queryset=Area.objects.none(), required=False,
                                     help_text=_("不选位置时必选；选了位置则按位置确定"))
    category = forms.ModelChoiceField(label=_("类别"), queryset=RequestCategory.objects.filter(active=True))
    matter = forms.CharField(label=_("反映事项"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)
    reporter_name = forms.CharField(label=_("反映人"), max_length=50, required=False)
    contact = forms.RegexField(label=_("联系方式"), regex=CONTACT, required=False,
                               error_messages={"invalid": _("请填写电话号码（数字）")})
    photos = PhotosField(label=_("现场照片"), required=False)
    field_order = ["client_id", "channel", "received_on", "village", "category", "matter", "reporter_name",
                   "contact", "photos", "lon", "lat"]

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["village"].queryset = villages.order_by("code")
            if villages.count() == 1:
                self.fields["village"].initial = villages.first()

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("反映日期不能晚于今天"))
        return value

    def clean(self):
        data = super().clean()
        if data.get("lon") is None and not data.get("village"):
            raise forms.ValidationError(_("请选择诉求所属的村(社区)，或在地图上选择位置"))
        return data


class TriageForm(VersionedForm):
    kind = forms.ChoiceField(label=_("分流"), choices=Kind.choices, widget=forms.RadioSelect)
    office = forms.ModelChoiceField(label=_("归口部门（大事）"), queryset=Office.objects.none(), required=False)
    handling = forms.ChoiceField(label=_("办理方式（小事）"), choices=Handling.choices, initial=Handling.ONE_BY_ONE,
                                 required=False)
    guidance = forms.CharField(label=_("引导说明（私事，不填则按类别模板生成）"),
                               widget=forms.Textarea(attrs={"rows": 3}), required=False)
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, offices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offices is not None:
            self.fields["office"].queryset = offices

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.MAJOR and not data.get("office"):
            self.add_error("office", _("大事须选择归口部门"))
        return data


class ReplyForm(VersionedForm):
    reply = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))


class CloseForm(VersionedForm):
    satisfaction = forms.ChoiceField(label=_("反映人满意度"), choices=Satisfaction.choices, widget=forms.RadioSelect)
    feedback = forms.CharField(label=_("反映人反馈"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReopenForm(VersionedForm):
    feedback = forms.CharField(label=_("反映人反馈（不满意的原因）"), widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(VersionedForm):
    into = forms.CharField(label=_("并入诉求编号"), max_length=32)
    note = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ToCaseForm(VersionedForm, LocationFields):
    title = forms.CharField(label=_("纠纷标题"), max_length=200)
    category = forms.ModelChoiceField(label=_("纠纷类型"), queryset=CaseCategory.objects.filter(active=True))


class FilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("编号、事项关键词、完整姓名或电话")}))
    kind = forms.ChoiceField(label=_("分流"), choices=[("", _("全部")), *Kind.choices, ("untriaged", _("待分流"))],
                             required=False)
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *State.choices], required=False)
    office = forms.ModelChoiceField(label=_("归口"), queryset=Office.objects.filter(active=True), required=False,
                                    empty_label=_("全部"))
    channel = forms.ChoiceField(label=_("渠道"), choices=[("", _("全部")), *Channel.choices], required=False)
    overdue = forms.BooleanField(label=_("仅超期"), required=False)


class PasteForm(forms.Form):
    village = forms.ModelChoiceField(label=_("村(社区)微信群"), queryset=Area.objects.none())
    received_on = forms.DateField(label=_("无日期的消息按此日期"), widget=DATE, initial=lambda: timezone.localdate())
    text = forms.CharField(label=_("粘贴群聊内容"), widget=forms.Textarea(attrs={"rows": 12}), max_length=50_000)

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["village"].queryset = villages.order_by("code")


class DraftForm(forms.Form):
    """One message of the pasted chat, as a request to be, for the worker to correct or leave out."""

    keep = forms.BooleanField(label=_("登记"), required=False, initial=True)
    client_id = forms.UUIDField(widget=forms.HiddenInput)
    received_on = forms.DateField(label=_("日期"), widget=DATE)
    reporter_name = forms.CharField(label=_("反映人"), max_length=50, required=False)
    contact = forms.RegexField(label=_("联系方式"), regex=CONTACT, required=False)
    category = forms.ModelChoiceField(label=_("类别"), queryset=RequestCategory.objects.filter(active=True),
                                      required=False)
    matter = forms.CharField(label=_("事项"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)

    def clean(self):
        data = super().clean()
        if data.get("keep") and not data.get("category"):
            self.add_error("category", _("请选择类别"))
        return data


DraftFormSet = forms.formset_factory(DraftForm, extra=0, max_num=200, validate_max=True)


class ThreeListForm(forms.Form):
    village = forms.ModelChoiceField(label=_("村(社区)"), queryset=Area.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), coerce=int,
                                     choices=[(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))])

    def __init__(self, *args, villages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if villages is not None:
            self.fields["village"].queryset = villages.order_by("code")


class SignOffForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
