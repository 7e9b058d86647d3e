"""Demo requests: a few months of resident requests in every village, made through the services at
simulated times, so that every state appears (待分流, 办理中 — some overdue —, 议事中, 转入调解,
已答复, 已办结 with satisfaction, 已合并) and the repeat proposals and 三事清单 have something to show.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from geodata.models import Area, Level
from gridcase.cases.demo import _staff
from gridcase.cases.models import Category as CaseCategory
from gridcase.lib import clock
from gridcase.requests import services
from gridcase.requests.models import Channel, Handling, Kind, Office, RequestCategory

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 2026
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "国庆", "玉梅", "建华", "明", "芳", "伟", "敏"]
MATTERS = {
    "road": ["村口路灯坏了，晚上走路看不见", "进村道路坑洼积水，电动车容易摔", "桥头护栏松动有安全隐患"],
    "water": ["自来水水压太低，二楼以上没水", "停电频繁，冰箱里的东西都坏了"],
    "environment": ["河边垃圾堆了一周没人清运，气味很大", "养殖场污水直排进沟渠"],
    "building": ["有人在承包地上违章盖房"],
    "safety": ["出租房楼道堆放电动车充电，有火灾隐患"],
    "welfare": ["老人低保申请一直没有消息", "残疾人补贴今年还没发"],
    "school": ["孩子入学划片不清楚，想问怎么办"],
    "public": ["村广场健身器材坏了没人修", "文化活动室长期锁门"],
    "parking": ["小区门口车辆乱停，消防通道被堵", "想在村部附近安装电动车充电桩"],
    "corridor": ["楼道里堆满杂物，进出不方便"],
    "family": ["儿子不给老人生活费", "兄弟之间为照顾父母的事吵架"],
    "neighbour": ["邻居家狗晚上一直叫，影响休息"],
}
# Of every ten requests, how each one's story goes.
STORIES = ["closed", "closed", "closed", "replied", "handling", "handling", "registered", "deliberating",
           "private", "overdue"]


def _person(rng) -> services.Reporter:
    return services.Reporter(name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                             contact=f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}")


def _at(day, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=SHANGHAI)


def build(*, per_village: int = 4, days: int = 120, today: datetime | None = None, under: str = "321302") -> int:
    """`per_village` requests (and a repeat) in each demo village under the code `under`, over the last
    `days` days; deterministic."""
    rng = random.Random(SEED)
    today = today or clock.now()
    cadres, town_staff = _staff()
    offices = {o.code: o for o in Office.objects.filter(town__isnull=True)}
    for office in offices.values():
        office.members.add(*town_staff.values())  # each only answers for their own town
    categories = {c.code: c for c in RequestCategory.objects.filter(code__in=MATTERS)}
    neighbours = CaseCategory.objects.filter(code="02").first()
    villages = list(Area.objects.filter(level=Level.VILLAGE, code__startswith=under).order_by("code")
                    .prefetch_related("children"))
    total = 0
    for village in villages:
        cadre = cadres[village.code]
        grids = sorted(village.children.all(), key=lambda g: g.code)
        made = []
        for n in range(per_village):
            code = rng.choice(list(MATTERS))
            story = STORIES[(n + len(made) + int(village.code[-3:])) % len(STORIES)]
            received = _at((today - timedelta(days=rng.randint(1, days))).date(), rng)
            if story == "registered":
                received = _at((today - timedelta(days=rng.randint(0, 5))).date(), rng)
            elif story == "overdue":  # a 小事 (10 working days) triaged more than three weeks ago
                received = _at((today - timedelta(days=rng.randint(22, 40))).date(), rng)
            received = min(received, today - timedelta(minutes=30))
            with transaction.atomic():
                request = _tell(rng, story, cadre, village, grids, categories[code], code, offices, neighbours,
                                received, today)
            made.append(request)
            total += 1
        # The same matter reported again nearby a few days later (多次反映): merged in some villages,
        # left as a proposal in others.
        first = next((r for r in made if r.state in ("registered", "handling")), made[0])
        with transaction.atomic(), clock.travel(min(_at(first.received_on + timedelta(days=3), rng), today)):
            again = services.request_register(
                actor=cadre, matter=first.matter + "，大家都在说", category=first.category, received_on=clock.today(),
                channel=Channel.WECHAT, village=village, location=first.location, reporter=_person(rng))
            total += 1
            if int(village.code[-3:]) % 2 and first.state in ("registered", "handling"):
                services.request_merge(request=again, into=first, actor=cadre)
    return total


def _tell(rng, story, cadre, village, grids, category, code, offices, neighbours, received, today):
    located = rng.random() < 0.75
    with clock.travel(received):
        request = services.request_register(
            actor=cadre, matter=rng.choice(MATTERS[code]), category=category, received_on=received.date(),
            channel=rng.choice(Channel.values[:5]), village=village,
            location=rng.choice(grids).geom.point_on_surface if located else None, reporter=_person(rng))
    if story == "registered":
        return request
    if story == "handling" and code in ("neighbour", "family") and request.location is not None and neighbours:
        with clock.travel(min(received + timedelta(hours=3), today)):
            services.request_to_case(request=request, actor=cadre, title=request.matter[:30], category=neighbours)
        return request
    kind = {"private": Kind.PRIVATE, "deliberating": Kind.MINOR, "overdue": Kind.MINOR}.get(
        story, category.default_kind or Kind.MINOR)
    later = min(received + timedelta(hours=rng.randint(2, 30)), today)
    with clock.travel(later):
        if kind == Kind.MAJOR:
            request = services.request_triage(request=request, actor=cadre, kind=kind,
                                              office=category.default_office or offices["infrastructure"])
        else:
            handling = Handling.DELIBERATION if story == "deliberating" else Handling.ONE_BY_ONE
            request = services.request_triage(request=request, actor=cadre, kind=kind, handling=handling)
    if story == "deliberating":
        # The cadre registers the 援法议事 topic the triage led to; the request then waits on it (议事中).
        from gridcase.deliberation import services as deliberation
        from gridcase.deliberation.models import ListItem, Source

        with clock.travel(later):
            deliberation.topic_propose(actor=cadre, village=village, title=request.matter[:30], description=request.matter,
                                       list_item=ListItem.objects.order_by("code").first(), source=Source.REQUEST,
                                       request=request)
        return request
    if story == "overdue":
        return request
    if story == "handling":
        return request
    replied_at = min(later + timedelta(days=rng.randint(1, 8)), today)
    if request.state == "handling":
        replier = cadre if kind != Kind.MAJOR else request.office.members.filter(area__code=request.town_code).first()
        with clock.travel(replied_at):
            request = services.request_reply(request=request, actor=replier, reply="已现场查看并处理，请反映人确认。")
    if story == "replied":
        return request
    return _maybe_close(rng, request, cadre, replied_at, today)


def _maybe_close(rng, request, cadre, after, today):
    with clock.travel(min(after + timedelta(days=rng.randint(1, 4)), today)):
        return services.request_close(request=request, actor=cadre,
                                      satisfaction=rng.choices(["satisfied", "fairly", "dissatisfied"], [7, 2, 1])[0],
                                      feedback="反映人表示问题已解决")
