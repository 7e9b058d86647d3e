from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from geodata.codes import CODE_LENGTH


class Level(models.TextChoices):
    COUNTY = "county", _("区县")
    TOWN = "town", _("乡镇/街道")
    VILLAGE = "village", _("村/社区")
    GRID = "grid", _("网格")


class AreaQuerySet(models.QuerySet):
    def under(self, code: str):
        """This area and everything below it: the code is a path, so a prefix match."""
        return self.filter(code__startswith=code)

    def covering(self, point):
        return self.filter(geom__covers=point)


class Area(models.Model):
    """One level of the territory: county → town → village → grid, each a polygon."""

    code = models.CharField(_("代码"), max_length=15, unique=True)
    level = models.CharField(_("层级"), max_length=8, choices=Level.choices)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geom = models.MultiPolygonField(_("范围"), srid=4326)
    population = models.PositiveIntegerField(_("人口"), null=True, blank=True)
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)

    objects = AreaQuerySet.as_manager()

    class Meta:
        verbose_name = _("区域")
        verbose_name_plural = _("区域")
        ordering = ["code"]
        indexes = [
            # LIKE 'prefix%' uses a btree only with the pattern operator class (the database is not in the C locale).
            models.Index(fields=["code"], name="area_code_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["level", "code"], name="area_level_code"),
        ]
        constraints = [
            models.CheckConstraint(
                name="area_code_matches_level",
                condition=Q(
                    *[Q(level=level, code__regex=rf"^\d{{{length}}}$") for level, length in CODE_LENGTH.items()],
                    _connector=Q.OR,
                ),
            ),
            models.CheckConstraint(
                name="area_only_county_has_no_parent", condition=Q(level="county") | Q(parent__isnull=False)
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"


class KeyArea(models.Model):
    """A 治安重点地区: a polygon that must be patrolled at least N times a week."""

    name = models.CharField(_("名称"), max_length=100)
    area = models.ForeignKey(
        Area, verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="key_areas",
        help_text=_("包含该重点地区的最小区域，决定谁能看到它"),
    )
    geom = models.MultiPolygonField(_("范围"), srid=4326)
    patrols_per_week = models.PositiveSmallIntegerField(_("每周最少巡逻次数"), default=3)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("治安重点地区")
        verbose_name_plural = _("治安重点地区")
        ordering = ["area__code", "name"]

    def __str__(self):
        return self.name
