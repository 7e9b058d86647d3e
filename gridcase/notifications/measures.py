"""How fast urgent alerts are acknowledged (registered with gridcase.dashboards): the 50th and 90th
percentile of the minutes from an alert to its 签收, beside the case measures.

Percentiles do not add up month by month, so these measures have a provider of their own that
answers every period a page asks for (or every child area) in one statement."""

from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext_lazy as _

from gridcase.dashboards.measures.registry import LOWER, MINUTES, Figure, Measure, register

SHARES = {"alert_ack_p50": 0.5, "alert_ack_p90": 0.9}

# PostgreSQL's percentile_cont has no ORM aggregate, hence the SQL; one row per period (or child).
_SQL = """
SELECT p.i, {group} percentile_cont(0.5) WITHIN GROUP (ORDER BY s), percentile_cont(0.9) WITHIN GROUP (ORDER BY s),
       count(s)
FROM unnest(%(starts)s::timestamptz[], %(ends)s::timestamptz[]) WITH ORDINALITY AS p(start, "end", i)
LEFT JOIN LATERAL (
    SELECT a.area_code, extract(epoch FROM a.acknowledged_at - a.created_at) AS s FROM notifications_alert a
    WHERE a.area_code LIKE %(prefix)s AND a.created_at >= p.start AND a.created_at < p."end"
      AND a.acknowledged_at IS NOT NULL
) a ON true
GROUP BY p.i {by}
"""


def _figure(key: str, p50, p90, count: int) -> Figure:
    seconds = p50 if SHARES[key] == 0.5 else p90
    return Figure(num=round(seconds / 60) if count else 0, den=count, unit=MINUTES)


class AlertProvider:
    def series(self, keys, *, code, periods, filters):
        bounds = [period.bounds() for period in periods]
        with connection.cursor() as cursor:
            cursor.execute(_SQL.format(group="", by=""), {"starts": [b[0] for b in bounds], "ends": [b[1] for b in bounds],
                                                          "prefix": f"{code}%"})
            rows = {i: (p50, p90, count) for i, p50, p90, count in cursor.fetchall()}
        return {key: [_figure(key, *rows[i + 1]) for i in range(len(periods))] for key in keys}

    def figures(self, keys, *, code, period, filters):
        return {key: figures[0] for key, figures in self.series(keys, code=code, periods=[period], filters=filters).items()}

    def children(self, keys, *, code, child_length, period, filters):
        from geodata.models import Area

        start, end = period.bounds()
        codes = list(Area.objects.filter(code__startswith=code, code__regex=rf"^\d{{{child_length}}}$")
                     .values_list("code", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(_SQL.format(group="left(a.area_code, %(length)s) AS child,", by=", child"),
                           {"starts": [start], "ends": [end], "prefix": f"{code}%", "length": child_length})
            rows = {child: (p50, p90, count) for _i, child, p50, p90, count in cursor.fetchall() if child}
        return {key: {child: _figure(key, *rows.get(child, (None, None, 0))) for child in codes} for key in keys}


PROVIDER = AlertProvider()
DEFINITION = _("期间内发出并已签收的紧急提醒（群体性、重大风险、民转刑风险、镇级超期等）中，从发出到有人签收的分钟数的"
               "%(share)s分位数；未签收的不计入，按升级策略继续提醒")




for key, label, target, margin in [("alert_ack_p50", _("紧急提醒签收用时（中位数）"), 5, 5),
                                   ("alert_ack_p90", _("紧急提醒签收用时（90% 分位）"), 15, 10)]:
    register(Measure(
        key=key, label=label, unit=MINUTES, direction=LOWER, default_target=Decimal(target), amber_margin=Decimal(margin),
        definition=DEFINITION % {"share": int(SHARES[key] * 100)}, section="cases", provider=PROVIDER,
        compute=lambda code, period, filters, key=key: PROVIDER.figures([key], code=code, period=period,
                                                                         filters=filters)[key]))
