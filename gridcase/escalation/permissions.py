from django.core.exceptions import PermissionDenied

from gridcase.accounts.jurisdiction import covers_code
from gridcase.accounts.models import Role
from gridcase.escalation.models import Rule

RULE_EDITORS = {Role.TOWN_LEADER, Role.COUNTY_ADMIN}


def can_edit(user, rule: Rule) -> bool:
    """County admins edit the general rules and their towns' rules; a town leader edits their town's."""
    if user.role == Role.COUNTY_ADMIN:
        return rule.area_id is None or covers_code(user, rule.area.code)
    return user.role == Role.TOWN_LEADER and rule.area_id is not None and covers_code(user, rule.area.code)


def require_editor(user) -> None:
    if user.role not in RULE_EDITORS:
        raise PermissionDenied
