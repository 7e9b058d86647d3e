"""The admin's user forms: one save sets who the person is, their role and their jurisdiction."""

from django import forms
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.models import User
from gridcase.accounts.services import jurisdiction_problems, phone_problem

LABELS = {"username": _("登录账号"), "first_name": _("姓名"), "email": _("电子邮箱"), "is_active": _("启用"),
          "is_staff": _("可进入管理后台"), "is_superuser": _("超级管理员（不受辖区限制）")}
HELP = {"username": _("建议用手机号；只能包含字母、数字和 @ . + - _"),
        "is_active": _("停用后该账号不能登录，其办理记录保留"),
        "is_staff": _("区县管理员自动具有；其他角色一般不需要"),
        "is_superuser": _("可看到全部数据、做任何操作，只应授予系统管理员")}


class JurisdictionChecks:
    """Role, area and grids checked together, with the phone; errors on the field they concern."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._relabel()

    def clean(self):
        cleaned = super().clean()
        self._check_jurisdiction(cleaned)
        return cleaned

    def _relabel(self):
        for name, label in LABELS.items():
            if name in self.fields:
                self.fields[name].label = label
                if name in HELP:
                    self.fields[name].help_text = HELP[name]
        if "first_name" in self.fields:
            self.fields["first_name"].required = True
            self.fields["first_name"].error_messages["required"] = _("请填写姓名")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        problem = phone_problem(phone, exclude_pk=self.instance.pk)
        if problem:
            raise forms.ValidationError(problem)
        return phone

    def _check_jurisdiction(self, cleaned):
        if not {"role", "area", "grids"} <= set(cleaned):
            return  # a field already refused says why
        problems = jurisdiction_problems(role=cleaned["role"], area=cleaned["area"], grids=cleaned["grids"])
        for field, message in problems.items():
            self.add_error(field, message)


class UserAddForm(JurisdictionChecks, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "first_name", "phone", "role", "area", "grids")


class UserEditForm(JurisdictionChecks, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


class WorkerImportForm(forms.Form):
    file = forms.FileField(label=_("名单文件"), help_text=_("Excel（.xlsx）或 CSV；第一行为列名，每行一人"))
