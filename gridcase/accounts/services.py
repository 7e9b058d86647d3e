"""Writing users: the checks a role and a jurisdiction must pass, shared by the admin form and the
spreadsheet import, and the side effects a role has (a county admin may enter the admin site)."""

import re
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext as _

from geodata.models import Area, Level
from gridcase.accounts.models import ROLE_AREA_LEVEL, Role, User

COUNTY_ADMINS_GROUP = "区县管理员"
COUNTY_ADMIN_APPS = ["geodata", "accounts", "workdays", "cases", "hazards", "patrols", "requests", "deliberation",
                     "dashboards", "escalation", "notifications", "api"]
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def county_admins_group(*, refresh: bool = True) -> Group:
    """The group whose permissions every county admin has: what the role may do in the admin site."""
    group, created = Group.objects.get_or_create(name=COUNTY_ADMINS_GROUP)
    if created or refresh:
        group.permissions.set(Permission.objects.filter(content_type__app_label__in=COUNTY_ADMIN_APPS))
    return group


def phone_problem(phone: str, *, exclude_pk: int | None = None) -> str | None:
    """Why this mobile number cannot be a user's, or None. Blank is allowed."""
    if not phone:
        return None
    if not MOBILE.match(phone):
        return _("手机号 %(phone)s 格式不对：应为 11 位数字，以 1 开头") % {"phone": phone}
    taken = User.objects.filter(phone=phone).exclude(pk=exclude_pk).first()
    if taken:
        return _("手机号 %(phone)s 已被用户 %(user)s 使用") % {"phone": phone, "user": taken.username}
    return None


def jurisdiction_problems(*, role: str, area: Area | None, grids: Iterable[Area]) -> dict[str, str]:
    """What is wrong with this role, area and grids together, by form field; empty if nothing."""
    grids = list(grids)
    problems = {}
    if not role:
        if area or grids:
            problems["role"] = _("设置了辖区或网格，请选择角色")
        return problems
    level = ROLE_AREA_LEVEL[role]
    if area is None:
        problems["area"] = _("%(role)s须指定辖区（%(level)s）") % {"role": Role(role).label, "level": level.label}
        return problems
    if area.level != level:
        problems["area"] = _("%(role)s的辖区应为%(level)s，%(area)s是%(actual)s") % {
            "role": Role(role).label, "level": level.label, "area": area.name, "actual": Level(area.level).label}
        return problems
    if role == Role.GRID_WORKER:
        outside = [g for g in grids if g.level != Level.GRID or not g.code.startswith(area.code)]
        if outside:
            problems["grids"] = _("网格 %(grids)s 不在所选辖区 %(area)s 内") % {
                "grids": "、".join(g.name for g in outside), "area": area.name}
        elif not grids:
            problems["grids"] = _("网格员至少负责一个网格")
    elif grids:
        problems["grids"] = _("只有网格员负责网格：%(role)s的范围是其辖区") % {"role": Role(role).label}
    return problems


def user_apply_role(*, user: User) -> None:
    """What the role brings besides the jurisdiction: a county admin works in the admin site."""
    admins = county_admins_group(refresh=False)
    member = user.groups.filter(pk=admins.pk).exists()
    if user.role == Role.COUNTY_ADMIN:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        if not member:
            user.groups.add(admins)
    elif member:
        user.groups.remove(admins)
