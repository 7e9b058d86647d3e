"""Benchmark: repeat proposals, lists, the office queue, the rules sweep (reminders) and the 三事清单 on many
synthetic requests. Run by `manage.py bench requests`.

The requests are inserted with one INSERT … SELECT inside a transaction that is rolled back at the
end, so the database is left as it was (ANALYZE runs inside it so the planner sees the rows).
"""

from django.db import connection, transaction
from django.test import Client

from geodata.models import Area, Level
from gridcase.accounts.models import User
from gridcase.escalation import engine
from gridcase.lib import clock
from gridcase.lib.bench import percentiles, timed
from gridcase.requests import lists, selectors
from gridcase.requests.models import Office, Request, RequestCategory, RequestEvent

PHRASES = ["村口路灯坏了晚上看不见", "河边垃圾没人清运气味很大", "自来水水压太低二楼没水", "小区门口车辆乱停堵住消防通道",
           "楼道堆放杂物进出不便", "广场健身器材坏了没人修", "养殖场污水直排进沟渠", "进村道路坑洼积水",
           "出租房楼道电动车充电有火灾隐患", "老人低保申请没有消息", "孩子入学划片不清楚", "邻居家狗晚上一直叫"]

INSERT = """
INSERT INTO requests_request (number, channel, received_on, matter, category_id, location, grid_id, village_id,
    area_code, village_code, town_code, county_code, reporter_name_encrypted, reporter_name_index,
    reporter_name_masked, contact_encrypted, contact_index, contact_masked, reporters_count, state, kind, handling,
    guidance, reply, feedback, satisfaction, registered_at, version, updated_at, office_id, deadline,
    next_check_at)
SELECT 'BENCH-' || i, 'walk', (%(now)s - (i %% 365) * interval '1 day')::date,
       (%(phrases)s::text[])[1 + (i * 31) %% %(nphrases)s] || '，第' || (i %% 97) || '户反映',
       (%(categories)s::bigint[])[1 + i %% %(ncat)s],
       ST_SetSRID(ST_MakePoint((%(lons)s::float8[])[g] + (i %% 13) * 0.0003, (%(lats)s::float8[])[g]), 4326),
       (%(grids)s::bigint[])[g], (%(villages)s::bigint[])[g], (%(codes)s::text[])[g], left((%(codes)s::text[])[g], 12),
       left((%(codes)s::text[])[g], 9), left((%(codes)s::text[])[g], 6), '', '', '张*', '', '', '',
       1, CASE WHEN i %% 10 < %(open_tenths)s THEN 'handling' ELSE 'closed' END, 'major', '', '', '', '', '',
       %(now)s - (i %% 365) * interval '1 day', 1, %(now)s, %(office)s,
       %(now)s + (((i / 10) %% 400) - 2) * interval '1 day',
       -- roughly when the reminder rule is due (a working day before the deadline): the engine's next look
       CASE WHEN i %% 10 < %(open_tenths)s THEN %(now)s + (((i / 10) %% 400) - 3) * interval '1 day' END
FROM generate_series(1, %(total)s) AS i, LATERAL (SELECT 1 + (i::bigint * 7919) %% %(ngrids)s AS g) AS pick
"""


def bench_requests(*, write, total: int, runs: int) -> None:
    with transaction.atomic():
        _bench(write=write, total=total, runs=runs)
        transaction.set_rollback(True)
    write("  (synthetic requests rolled back)")


def _sample(work, runs: int) -> str:
    p50, p95 = percentiles([timed(work)[1] for _ in range(runs)])
    return f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"


def _bench(*, write, total: int, runs: int) -> None:
    now = clock.now()
    grids = list(Area.objects.filter(level=Level.GRID).order_by("code").select_related("parent"))
    points = [g.geom.point_on_surface for g in grids]
    office = Office.objects.get(code="infrastructure", town=None)
    categories = list(RequestCategory.objects.values_list("pk", flat=True))
    params = {"now": now, "phrases": PHRASES, "nphrases": len(PHRASES), "categories": categories,
              "ncat": len(categories), "lons": [p.x for p in points], "lats": [p.y for p in points],
              "grids": [g.pk for g in grids], "villages": [g.parent_id for g in grids], "codes": [g.code for g in grids],
              "ngrids": len(grids), "open_tenths": 3, "total": total, "office": office.pk}
    write(f"requests: {total:,} synthetic requests (30% open) over {len(grids):,} grids, one year")
    with connection.cursor() as cursor:
        write(f"  insert                                 {timed(lambda: cursor.execute(INSERT, params))[1]:8.2f} s")
        write(f"  analyze                                {timed(lambda: cursor.execute('ANALYZE requests_request'))[1]:8.2f} s")
    users = {name: User.objects.get(username=name) for name in ("cadre", "leader", "admin")}
    town = users["leader"].area.code
    for name, user, town_code in [("cadre", users["cadre"], ""), ("leader", users["leader"], ""),
                                  ("admin, one town", users["admin"], town),
                                  ("admin, county", users["admin"], "")][:4 if total <= 50_000 else 3]:
        visible = selectors.requests_visible_to(user=user).count()
        found = len(selectors.merge_proposals(user=user, town_code=town_code))
        timing = _sample(lambda u=user, t=town_code: selectors.merge_proposals(user=u, town_code=t), runs)
        write(f"  repeat proposals, {name:<15} ({visible:>8,} visible, {found:>3} pairs)  {timing}")
    client = Client(SERVER_NAME="localhost")
    client.force_login(users["leader"])
    bbox = ",".join(map(str, users["leader"].area.geom.extent))
    for label, path, query in [("list page 1", "/requests/", {}), ("list overdue", "/requests/", {"overdue": "on"}),
                               ("list page 100", "/requests/", {"page": 100}),
                               ("office queue", f"/requests/offices/{office.pk}/", {}),
                               ("map points (town box)", "/requests/points/", {"bbox": bbox})]:
        write(f"  {label:<36}   {_sample(lambda p=path, q=query: client.get(p, q), runs)}")
    write(f"  task list, leader                      {_sample(lambda: selectors.tasks_for(users['leader']), runs)}")
    looked, seconds = timed(lambda: engine.sweep(now=now))
    sent = RequestEvent.objects.filter(kind__in=["request.reminded", "request.overdue"], request__number__startswith="BENCH-")
    write(f"  rules sweep (first run)                {seconds:8.2f} s  ({looked:,} looked at, {sent.count():,} reminders"
          f" and overdue notices; {seconds * 1000 / max(looked, 1):.1f} ms each)")
    _, seconds = timed(lambda: engine.sweep(now=now))
    write(f"  rules sweep (nothing new)              {seconds * 1000:8.1f} ms")
    village = users["cadre"].area
    in_quarter = Request.objects.filter(village_code=village.code).count()
    made, seconds = timed(lambda: lists.three_list_generate(village=village, year=now.year,
                                                            quarter=(now.month - 1) // 3 + 1, actor=users["cadre"]))
    write(f"  三事清单 for {village.name} ({in_quarter:,} requests in the year, {len(made.rows):,} in the quarter) "
          f"{seconds * 1000:8.1f} ms; Excel {timed(lambda: lists.three_list_xlsx(made))[1] * 1000:.1f} ms")
