import re

from django import forms
from django.utils.translation import gettext_lazy as _

from gridcase.notifications.channels import channel_label, channel_name, configured_channels
from gridcase.notifications.models import ContactPreference


class ContactPreferenceForm(forms.ModelForm):
    """How a person is reached; the phone is kept encrypted, so it is a form field, not a model one."""

    phone = forms.CharField(label=_("手机号"), required=False, max_length=20)

    class Meta:
        model = ContactPreference
        fields = ["channels", "email", "phone", "wecom_userid", "quiet_from", "quiet_until"]
        widgets = {"quiet_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "quiet_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"] = forms.MultipleChoiceField(
            label=_("接收渠道"), required=False, widget=forms.CheckboxSelectMultiple,
            help_text=_("不选则为全部已启用的渠道；紧急提醒不受免打扰限制"),
            choices=[(channel_name(path), channel_label(path)) for path in configured_channels()])
        if self.instance.pk:
            self.initial["phone"] = self.instance.phone

    def clean_phone(self) -> str:
        phone = "".join(self.cleaned_data["phone"].split()).removeprefix("+86")
        if phone and not re.fullmatch(r"1\d{10}", phone):
            raise forms.ValidationError(_("请输入 11 位手机号"))
        return phone

    def clean(self):
        data = super().clean()
        if bool(data.get("quiet_from")) != bool(data.get("quiet_until")):
            raise forms.ValidationError(_("免打扰时段须同时填写开始和结束时间"))
        return data

    def save(self, commit=True):
        self.instance.phone = self.cleaned_data.get("phone", "")
        return super().save(commit)


class ContactPreferenceAdminForm(ContactPreferenceForm):
    class Meta(ContactPreferenceForm.Meta):
        fields = ["user", *ContactPreferenceForm.Meta.fields]
