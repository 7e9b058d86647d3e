"""Targets per measure: a town's own, else its county's, else the measure's default."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import covers_code
from gridcase.accounts.models import Role
from gridcase.dashboards.measures.registry import MEASURES
from gridcase.dashboards.models import MeasureTarget
from gridcase.lib import clock


class TargetError(ValueError):
    pass


def targets_for(*, code: str) -> dict[str, Decimal | None]:
    """The target of every measure for the territory `code` (the nearest county or town setting)."""
    owners = [code[:n] for n in (6, 9) if len(code) >= n]
    rows = MeasureTarget.objects.filter(area__code__in=owners).select_related("area")
    found: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        depth = len(row.area.code)
        if row.measure not in found or depth > found[row.measure][0]:
            found[row.measure] = (depth, row.value)
    return {key: found[key][1] if key in found else m.default_target for key, m in MEASURES.items()}


def may_set_targets(user, area: Area) -> bool:
    return (area.level in (Level.COUNTY, Level.TOWN) and user.role in (Role.COUNTY_ADMIN, Role.TOWN_LEADER)
            and user.area_id is not None and covers_code(user, area.code))


@transaction.atomic
def target_set(*, actor, area: Area, measure: str, value: Decimal | None) -> MeasureTarget | None:
    """Set (or, with None, remove) the area's own target for a measure."""
    if not may_set_targets(actor, area):
        raise PermissionDenied(_("只有区县管理员和乡镇领导可以设置本辖区的目标"))
    if measure not in MEASURES:
        raise TargetError(_("未知指标"))
    if value is None:
        MeasureTarget.objects.filter(area=area, measure=measure).delete()
        return None
    if MEASURES[measure].unit == "%" and not Decimal(0) <= value <= Decimal(100):
        raise TargetError(_("比率目标应在 0–100 之间"))
    if value < 0:
        raise TargetError(_("目标不能为负数"))
    target, _created = MeasureTarget.objects.update_or_create(
        area=area, measure=measure, defaults={"value": value, "updated_by": actor, "updated_at": clock.now()})
    return target
