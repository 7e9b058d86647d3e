import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role, User
from gridcase.cases.models import Category
from gridcase.hazards.models import HazardCategory
from gridcase.lib.forms import PhotosField
from gridcase.patrols.findings import KINDS
from gridcase.patrols.models import PatrolType, Status
from gridcase.requests.models import RequestCategory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class FilterForm(forms.Form):
    type = forms.ChoiceField(label=_("类型"), choices=[("", _("全部"))] + PatrolType.choices, required=False)
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + Status.choices, required=False)
    grid = forms.RegexField(label=_("网格/村代码"), regex=r"^\d{6,15}$", required=False,
                            error_messages={"invalid": _("请输入区域代码（6–15 位数字）")})
    day_from = forms.DateField(label=_("开始日期从"), required=False, widget=DATE)
    day_to = forms.DateField(label=_("至"), required=False, widget=DATE)


class PatrolForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    grid = forms.ModelChoiceField(label=_("网格"), queryset=Area.objects.none())
    type = forms.ChoiceField(label=_("巡逻类型"), choices=PatrolType.choices)
    workers = forms.ModelMultipleChoiceField(label=_("巡逻人员"), queryset=User.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)
    planned_start = forms.DateTimeField(label=_("计划开始"), required=False, widget=DATETIME,
                                        help_text=_("不填则为临时巡逻，立即开始"))
    planned_end = forms.DateTimeField(label=_("计划结束"), required=False, widget=DATETIME)
    note = forms.CharField(label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        grids = scope(Area.objects.filter(level=Level.GRID).defer("geom"), user)
        self.fields["grid"].queryset = grids.order_by("code")
        if user.role == Role.GRID_WORKER:
            del self.fields["workers"]
        else:
            self.fields["workers"].queryset = scope(
                User.objects.filter(role=Role.GRID_WORKER, is_active=True), user, "area__code").order_by("username")

    def clean(self):
        data = super().clean()
        if data.get("planned_end") and not data.get("planned_start"):
            self.add_error("planned_start", _("填写计划结束时间时，计划开始时间必填"))
        return data


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class CancelForm(VersionForm):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class DispatchForm(forms.Form):
    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    note = forms.CharField(label=_("事由"), max_length=200)
    lon = forms.FloatField(label=_("经度"), min_value=-180, max_value=180, widget=forms.NumberInput(attrs={"step": "any"}))
    lat = forms.FloatField(label=_("纬度"), min_value=-90, max_value=90, widget=forms.NumberInput(attrs={"step": "any"}))
    worker = forms.IntegerField(widget=forms.HiddenInput, required=False)


class FindingForm(forms.Form):
    """A finding logged from the patrol page: what kind, its category, one sentence and photos; the
    point is the phone's current fix, never typed."""

    CATEGORY_FIELDS = {"case": "case_category", "hazard": "hazard_category", "request": "request_category"}

    client_id = forms.UUIDField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label=_("发现了"), choices=list(KINDS.items()), widget=forms.RadioSelect, initial="case")
    case_category = forms.ModelChoiceField(label=_("纠纷类型"), queryset=Category.objects.filter(active=True),
                                           required=False)
    hazard_category = forms.ModelChoiceField(label=_("隐患类别"), required=False,
                                             queryset=HazardCategory.objects.filter(active=True))
    request_category = forms.ModelChoiceField(label=_("诉求类别"), required=False,
                                              queryset=RequestCategory.objects.filter(active=True))
    text = forms.CharField(label=_("一句话说明"), max_length=200,
                           error_messages={"required": _("请用一句话写下发现了什么")},
                           widget=forms.TextInput(attrs={"placeholder": _("如：两户因排水沟堵塞争吵")}))
    photos = PhotosField(label=_("现场照片"), required=False)
    lon = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput,
                           error_messages={"required": _("尚未获得定位，请稍候再提交")})
    lat = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput,
                           error_messages={"required": _("尚未获得定位，请稍候再提交")})

    def clean(self):
        data = super().clean()
        field = self.CATEGORY_FIELDS.get(data.get("kind"))
        if field and not data.get(field):
            self.add_error(field, _("请选择%(label)s") % {"label": self.fields[field].label})
        data["category"] = data.get(field) if field else None
        return data


class MeasuresForm(forms.Form):
    territory = forms.RegexField(label=_("区域代码"), regex=r"^\d{6,15}$", required=False)
    week = forms.DateField(label=_("周（任选该周一天）"), required=False, widget=DATE)
