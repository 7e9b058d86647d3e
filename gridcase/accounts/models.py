from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from geodata.models import Area, Level


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    MEDIATOR = "mediator", _("调解员")
    LEGAL_ADVISER = "legal_adviser", _("法律顾问")
    VILLAGE_CADRE = "village_cadre", _("村(社区)干部")
    TOWN_LEADER = "town_leader", _("镇(街道)领导")
    COUNTY_ADMIN = "county_admin", _("区县管理员")


# The level of area each role's jurisdiction is; a grid worker's is the set of grids they hold.
ROLE_AREA_LEVEL = {
    Role.GRID_WORKER: Level.VILLAGE,
    Role.MEDIATOR: Level.TOWN,
    Role.LEGAL_ADVISER: Level.TOWN,
    Role.VILLAGE_CADRE: Level.VILLAGE,
    Role.TOWN_LEADER: Level.TOWN,
    Role.COUNTY_ADMIN: Level.COUNTY,
}


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True)
    area = models.ForeignKey(
        Area, verbose_name=_("辖区"), null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text=_("用户可见、可办理的范围；网格员为其所在村，实际范围为其负责的网格"),
    )
    grids = models.ManyToManyField(
        Area, verbose_name=_("负责网格"), blank=True, related_name="workers", limit_choices_to={"level": Level.GRID}
    )
    phone = models.CharField(_("手机号"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.get_full_name() or self.username
