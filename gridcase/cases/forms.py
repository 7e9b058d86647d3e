"""One form per action; views hand cleaned_data to the matching service."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.models import Role, User
from gridcase.cases.models import (
    LEVEL_ORDER,
    Agreement,
    Attachment,
    Category,
    FollowUp,
    Level,
    Party,
    ReferralBody,
    Risk,
    Source,
    State,
)
from gridcase.cases.workflow import QUEUES
from gridcase.lib.forms import PhotosField

# <input type=date> only understands ISO dates, whatever the language of the page.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionedForm(forms.Form):
    """Carries the version of the case the user saw, so that a stale save is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class RegisterForm(forms.Form):
    """What a grid worker knows on the spot: where (picked on the map, never typed), what kind, a
    sentence, how many people, photos. The title is derived when left empty; the rest is optional
    and can be added later by the mediator."""

    client_id = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    lon = forms.FloatField(min_value=-180, max_value=180, widget=forms.HiddenInput, required=False)
    lat = forms.FloatField(min_value=-90, max_value=90, widget=forms.HiddenInput, required=False)
    category = forms.ModelChoiceField(label=_("纠纷类型"), queryset=Category.objects.filter(active=True))
    narrative = forms.CharField(label=_("发生了什么（一句话即可）"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=1, max_value=100_000, initial=2)
    photos = PhotosField(label=_("现场照片"), required=False)
    title = forms.CharField(label=_("标题（可不填，自动生成）"), max_length=200, required=False)
    amount = forms.DecimalField(label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)
    risk = forms.TypedChoiceField(label=_("风险等级"), choices=Risk.choices, coerce=int, initial=Risk.GENERAL)
    violence_risk = forms.BooleanField(label=_("有民转刑风险"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices, initial=Source.GRID_WORKER)
    patrol = forms.IntegerField(widget=forms.HiddenInput, required=False)  # the patrol it was found on

    ON_THE_SPOT = ("category", "narrative", "people_involved", "photos", "title")
    MORE = ("amount", "risk", "violence_risk", "source")

    def clean(self):
        data = super().clean()
        if data.get("lon") is None or data.get("lat") is None:
            if "lon" not in self.errors and "lat" not in self.errors:
                self.add_error("lon", _("请在地图上点选纠纷发生的位置（或点“使用我的位置”）"))
        if not (data.get("title") or "").strip() and not (data.get("narrative") or "").strip():
            self.add_error("narrative", _("请用一句话写明发生了什么"))
        return data

    def on_the_spot(self):
        return [self[name] for name in self.ON_THE_SPOT]

    def more(self):
        return [self[name] for name in self.MORE]

    def more_has_errors(self):
        return any(self[name].errors for name in self.MORE)


class PartyForm(forms.Form):
    role = forms.ChoiceField(label=_("身份"), choices=Party.Role.choices)
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    id_number = forms.RegexField(label=_("身份证号"), regex=r"^\d{17}[\dXx]$", required=False,
                                 error_messages={"invalid": _("身份证号应为 18 位")})
    phone = forms.RegexField(label=_("电话"), regex=r"^[\d\-+ ]{7,20}$", required=False)
    address = forms.CharField(label=_("住址"), max_length=200, required=False)


    def clean(self):
        data = super().clean()
        if not data.get("name") and any(data.get(f) for f in ("id_number", "phone", "address")):
            self.add_error("name", _("填写了证件、电话或住址时，姓名必填"))
        return data


class BasePartyFormSet(forms.BaseFormSet):
    # A dispute has two sides: every row after the first starts as 被申请人, not 申请人.
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if index:
            kwargs["initial"] = {"role": Party.Role.RESPONDENT}
        return kwargs


# Rows left without a name are skipped; the role select alone does not make a party.
PartyFormSet = forms.formset_factory(PartyForm, formset=BasePartyFormSet, extra=2, max_num=20, validate_max=True)


class EditForm(VersionedForm):
    title = forms.CharField(label=_("标题"), max_length=200)
    category = forms.ModelChoiceField(label=_("纠纷类型"), queryset=Category.objects.filter(active=True))
    narrative = forms.CharField(label=_("纠纷情况"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    people_involved = forms.IntegerField(label=_("涉及人数"), min_value=1, max_value=100_000)
    amount = forms.DecimalField(label=_("涉及金额（元）"), min_value=0, max_digits=14, decimal_places=2, required=False)
    risk = forms.TypedChoiceField(label=_("风险等级"), choices=Risk.choices, coerce=int)
    violence_risk = forms.BooleanField(label=_("有民转刑风险"), required=False)
    source = forms.ChoiceField(label=_("来源"), choices=Source.choices)


class NoteForm(VersionedForm):
    note = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReportForm(VersionedForm):
    note = forms.CharField(label=_("反映的情况"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}))


class CaseActionForm(VersionedForm):
    """A form whose choices depend on the case and on who acts (both optional: the API passes neither)."""

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.case, self.user = case, user


class AcceptForm(CaseActionForm):
    """受理: who mediates, at which level, and the category and risk confirmed."""

    mediators = forms.ModelMultipleChoiceField(
        label=_("承办调解员"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("不选则由受理人承办"))
    level = forms.ChoiceField(label=_("办理层级"), choices=Level.choices, required=False)
    category = forms.ModelChoiceField(label=_("纠纷类型"), queryset=Category.objects.filter(active=True), required=False)
    risk = forms.TypedChoiceField(label=_("风险等级"), choices=Risk.choices, coerce=int, empty_value=None, required=False)
    note = forms.CharField(label=_("受理意见"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        from gridcase.cases import permissions, selectors

        self.fields["mediators"].queryset = (selectors.assignable_mediators(case=case) if case is not None
                                             else User.objects.filter(is_active=True, role__in=HANDLER_ROLES_FOR_ASSIGN))
        if case is None:
            return
        own = permissions.handling_level(user) if user is not None else None
        top = LEVEL_ORDER.index(own) if own else LEVEL_ORDER.index(case.level)
        self.fields["level"].choices = [(level, Level(level).label)
                                        for level in LEVEL_ORDER[LEVEL_ORDER.index(case.level):top + 1]]
        self.fields["level"].help_text = _("以更高层级受理，即由该层级直接办理")
        mine = [user] if user is not None and permissions.can_handle(user, case) else []
        self.initial.setdefault("mediators", list(case.mediators.all()) or mine)
        self.initial.setdefault("level", case.level)
        self.initial.setdefault("category", case.category_id)
        self.initial.setdefault("risk", case.risk)


class EscalateForm(CaseActionForm):
    to_level = forms.ChoiceField(label=_("上报至"), choices=[(Level.TOWN, Level.TOWN.label), (Level.COUNTY, Level.COUNTY.label)],
                                 required=False)
    urgent = forms.BooleanField(label=_("紧急：须签收，未签收将逐级提醒"), required=False)
    reason = forms.CharField(label=_("上报理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, case=None, user=None, **kwargs):
        super().__init__(*args, case=case, user=user, **kwargs)
        if case is None:
            return
        above = LEVEL_ORDER[LEVEL_ORDER.index(case.level) + 1:]
        self.fields["to_level"].choices = [(level, _ESCALATION_TARGETS[level]) for level in above]
        self.fields["to_level"].required = bool(above)
        if above:
            self.initial.setdefault("to_level", above[0])


_ESCALATION_TARGETS = {Level.TOWN: _("镇（街道）：综治中心、镇调委会"), Level.COUNTY: _("县（区）：司法局、县调委会")}


class ReferForm(ReasonForm):
    to = forms.ChoiceField(label=_("转办至"), choices=ReferralBody.choices)


class SessionForm(VersionedForm):
    held_on = forms.DateField(label=_("调解日期"), widget=DATE, initial=lambda: timezone.localdate())
    place = forms.CharField(label=_("地点"), max_length=100)
    attendees = forms.CharField(label=_("参加人员"), widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("调解情况"), widget=forms.Textarea(attrs={"rows": 4}))


class SettleForm(VersionedForm):
    signed_on = forms.DateField(label=_("签订日期"), widget=DATE, initial=lambda: timezone.localdate())
    terms = forms.CharField(label=_("协议内容"), widget=forms.Textarea(attrs={"rows": 5}))
    performance_due = forms.DateField(label=_("履行期限"), widget=DATE, required=False)
    judicial_confirmation = forms.ChoiceField(label=_("司法确认"), choices=Agreement.Confirmation.choices)


class PerformanceForm(VersionedForm):
    performance = forms.ChoiceField(label=_("履行情况"), choices=Agreement.Performance.choices)
    judicial_confirmation = forms.ChoiceField(label=_("司法确认"), choices=Agreement.Confirmation.choices)


class FollowUpForm(VersionedForm):
    visited_on = forms.DateField(label=_("回访日期"), widget=DATE, initial=lambda: timezone.localdate())
    method = forms.ChoiceField(label=_("回访方式"), choices=FollowUp.Method.choices)
    satisfaction = forms.ChoiceField(label=_("满意度"), choices=FollowUp.Satisfaction.choices)
    recurred = forms.BooleanField(label=_("纠纷是否反复"), required=False)
    note = forms.CharField(label=_("回访情况"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReopenForm(forms.Form):
    narrative = forms.CharField(label=_("复发情况"), widget=forms.Textarea(attrs={"rows": 4}))


class MergeForm(VersionedForm):
    into = forms.CharField(label=_("并入案件编号"), max_length=32)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignForm(VersionedForm):
    mediators = forms.ModelMultipleChoiceField(label=_("调解员"), queryset=User.objects.none(),
                                               widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mediators"].queryset = candidates if candidates is not None else User.objects.none()


class AttachForm(forms.Form):
    """Photos straight from the phone's camera (several at once), or a file such as a scanned agreement."""

    kind = forms.ChoiceField(label=_("类型"), choices=Attachment.Kind.choices)
    photos = PhotosField(label=_("拍照上传（可多张）"), required=False)
    file = forms.FileField(label=_("或选择文件（扫描件、PDF）"), required=False)

    def clean(self):
        data = super().clean()
        if not data.get("photos") and not data.get("file") and not self.errors:
            raise forms.ValidationError(_("请拍照或选择要上传的文件"))
        return data

    def uploads(self) -> list:
        return [*self.cleaned_data["photos"], *([self.cleaned_data["file"]] if self.cleaned_data["file"] else [])]


class FilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("编号、当事人姓名或完整电话")}))
    state = forms.ChoiceField(label=_("状态"), choices=[("", _("全部"))] + State.choices, required=False)
    level = forms.ChoiceField(label=_("层级"), choices=[("", _("全部"))] + Level.choices, required=False)
    category = forms.ModelChoiceField(label=_("类型"), queryset=Category.objects.all(), required=False,
                                      empty_label=_("全部"))
    grid = forms.CharField(label=_("网格代码"), required=False, max_length=15)
    source = forms.ChoiceField(label=_("来源"), choices=[("", _("全部"))] + Source.choices, required=False)
    overdue = forms.BooleanField(label=_("仅超期"), required=False)
    queue = forms.ChoiceField(label=_("待办"), choices=[("", _("全部"))] + [(k, v[0]) for k, v in QUEUES.items()],
                              required=False, widget=forms.HiddenInput)
    order = forms.ChoiceField(label=_("排序"), choices=[("", _("最新登记")), ("deadline", _("期限最近"))], required=False)
    # "The cases behind this figure": a named set (selectors.CASE_SETS) over a period [start, end).
    basis = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)
    start = forms.DateField(required=False, widget=forms.HiddenInput)
    end = forms.DateField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("basis") and not (data.get("start") and data.get("end")):
            raise forms.ValidationError(_("统计口径筛选需要起止日期"))
        return data


HANDLER_ROLES_FOR_ASSIGN = [Role.MEDIATOR, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN]
