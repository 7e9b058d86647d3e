"""Demo cases: about two years of disputes across the demo county, made through the same services
as real ones (so the events, numbers and rule firings are real), at simulated times.

Proportions are plausible, not measured: most disputes settle in the village within days, some
fail and go to the town, a few are escalated by the rules for running out of time or for being
群体性/重大, a few are referred or declined; a handful of villages do worse than the 90% target.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.db import transaction

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from gridcase.cases import services
from gridcase.cases.models import Agreement, Case, Category, FollowUp, ReferralBody, Risk, Source
from gridcase.escalation import engine
from gridcase.lib import clock
from gridcase.notifications.models import Alert, Notification
from gridcase.notifications.services import alert_acknowledge, alerts_escalate_silent
from gridcase.workdays.selectors import add_working_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 2026
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "国庆", "玉梅", "建华", "明", "芳", "伟", "敏", "静", "磊", "军", "洋"]
TITLES = {
    "01": ["夫妻因赡养老人问题发生矛盾", "离婚后子女抚养费纠纷"],
    "02": ["邻居因排水沟堵塞发生争吵", "相邻通道通行纠纷", "噪音扰邻引发争执"],
    "03": ["宅基地边界纠纷", "房屋翻建占地纠纷"],
    "04": ["农资买卖合同纠纷", "建房承揽合同纠纷"],
    "05": ["养殖场经营纠纷", "合伙经营分红纠纷"],
    "06": ["家禽毁损庄稼赔偿纠纷", "犬只咬伤赔偿纠纷"],
    "07": ["承包地边界纠纷", "林木权属纠纷"],
    "08": ["征地补偿分配纠纷", "拆迁安置纠纷"],
    "09": ["养殖污水排放纠纷"],
    "10": ["务工人员欠薪纠纷", "工伤赔偿纠纷"],
    "14": ["农用车交通事故赔偿纠纷"],
    "15": ["小区物业费纠纷"],
    "99": ["其他民间纠纷"],
}
# How often each category comes up (邻里 and 婚姻家庭 dominate in village mediation statistics).
WEIGHTS = {"01": 18, "02": 26, "03": 12, "04": 6, "05": 4, "06": 8, "07": 7, "08": 3, "09": 2, "10": 5, "14": 4,
           "15": 2, "99": 3}


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _id_number(rng) -> str:
    body = f"321302{rng.randint(1950, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return body + rng.choice("0123456789X")


def _phone(rng) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}"


def _staff() -> tuple[dict[str, User], dict[str, User]]:
    """One mediation-committee member per village and one mediator per town (demo accounts that
    cannot log in), so that every case is handled by somebody of its own territory."""
    password = make_password(None)
    cadres, mediators = {}, {}
    for area in Area.objects.filter(level__in=[Level.VILLAGE, Level.TOWN], code__startswith="321302"):
        is_village = area.level == Level.VILLAGE
        user, _ = User.objects.get_or_create(
            username=f"{'c' if is_village else 'm'}{area.code}",
            defaults={"first_name": f"{area.name}{'调委会' if is_village else '调解员'}", "password": password,
                      "role": Role.VILLAGE_CADRE if is_village else Role.MEDIATOR, "area": area},
        )
        (cadres if is_village else mediators)[area.code] = user
    return cadres, mediators


def _at(day, rng) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), tzinfo=SHANGHAI)


def _later(moment: datetime, working_days: int, rng) -> datetime:
    """Some working days later, during office hours (8:00–18:00)."""
    later = (add_working_days(moment, working_days) + timedelta(minutes=rng.randint(0, 240))).astimezone(SHANGHAI)
    if later.hour >= 18:
        later = later + timedelta(days=1)
    if not 8 <= later.hour < 18:
        later = later.replace(hour=8, minute=0) + timedelta(minutes=rng.randint(0, 180))
    return later


class _Story:
    """One case's life, told through the services at simulated times."""

    def __init__(self, rng, today: datetime, cadre: User, mediator: User, struggling: bool):
        self.rng, self.today, self.cadre, self.mediator, self.struggling = rng, today, cadre, mediator, struggling

    def step(self, when: datetime, action, **kwargs):
        when = max(when, self.last + timedelta(minutes=10))  # a story never goes back in time
        self.last = when
        if when > self.today:
            raise StopIteration  # the story has reached the present: the case stays where it is
        with clock.travel(when):
            return action(**kwargs)

    def tell(self, grid: Area, category: Category, registered: datetime) -> None:
        self.last = registered - timedelta(minutes=10)
        try:
            self._tell(grid, category, registered)
        except StopIteration:
            pass
        except services.CaseError:
            pass  # a rule moved the case meanwhile; the story ends where the rules left it

    def _register(self, grid, category, registered) -> Case:
        rng = self.rng
        group = rng.random() < 0.03
        return self.step(
            registered, services.case_register, actor=self.cadre, category=category, location=grid.geom.point_on_surface,
            title=rng.choice(TITLES.get(category.code, TITLES["99"])),
            narrative="（演示数据）" + rng.choice(["双方各执一词。", "当事人到村委会反映。", "网格员走访发现。"]),
            people_involved=rng.randint(6, 30) if group else rng.choice([2, 2, 2, 3, 4]),
            risk=Risk.MAJOR if group and rng.random() < 0.3 else rng.choice([Risk.GENERAL] * 8 + [Risk.SERIOUS]),
            amount=rng.choice([None, None, rng.randint(500, 80_000)]),
            source=rng.choice([Source.GRID_WORKER] * 5 + [Source.VISIT] * 3 + [Source.HOTLINE, Source.POLICE]),
            parties=[services.PartyInput(name=_name(rng), id_number=_id_number(rng), phone=_phone(rng)),
                     services.PartyInput(name=_name(rng), role="respondent", phone=_phone(rng))],
        )

    def _mediate(self, case: Case, handler: User, when: datetime, place: str) -> Case:
        case = self.step(when, services.case_accept, case=case, actor=handler)
        when = _later(when, self.rng.randint(0, 2), self.rng)
        return self.step(when, services.case_start_mediation, case=case, actor=handler, held_on=when.date(), place=place,
                         attendees="双方当事人、调委会成员", content="（演示）听取双方陈述，释法说理。")

    def _tell(self, grid, category, registered):
        rng = self.rng
        case = self._register(grid, category, registered)
        handler = self.mediator if case.level != "village" else self.cadre
        if case.level == "village" and rng.random() < 0.02:
            self.step(_later(registered, 1, rng), services.case_decline, case=case, actor=handler, reason="不属于人民调解受理范围")
            return
        accepted = _later(registered, rng.choice([0, 0, 1, 2]), rng)
        place = f"{grid.parent.name}调解室" if handler == self.cadre else "镇矛盾纠纷调处中心"
        case = self._mediate(case, handler, accepted, place)
        if rng.random() < 0.04:  # left too long: the ten-day rule takes it to the town
            self.step(_later(accepted, 11, rng), self._sweep_one, case=case)
            handler = self.mediator
            case = self._mediate(Case.objects.get(pk=case.pk), handler, _later(self.last, 1, rng), "镇矛盾纠纷调处中心")
        elif rng.random() < (0.22 if self.struggling else 0.06):
            case = self.step(_later(self.last, rng.randint(2, 6), rng), services.case_fail, case=case, actor=handler,
                             reason="双方分歧较大，未能达成协议")
            if rng.random() < 0.3:
                self.step(_later(self.last, 1, rng), services.case_refer, case=case, actor=handler,
                          to=rng.choice(ReferralBody.values), reason="引导通过诉讼或其他途径解决")
                return
            case = self.step(_later(self.last, 1, rng), services.case_escalate, case=case, actor=handler,
                             reason="村级调解不成，提请镇调委会调解")
            handler = self.mediator
            case = self._mediate(case, handler, _later(self.last, 1, rng), "镇矛盾纠纷调处中心")
            if rng.random() < 0.2:
                self.step(_later(self.last, 3, rng), services.case_fail, case=case, actor=handler, reason="镇级调解未成")
                return
        self._finish(case, handler)

    def _finish(self, case: Case, handler: User) -> None:
        rng = self.rng
        settled = _later(self.last, rng.randint(1, 8), rng)
        confirmation = rng.choice([Agreement.Confirmation.NONE] * 6 + [Agreement.Confirmation.CONFIRMED])
        case = self.step(settled, services.case_settle, case=case, actor=handler, signed_on=settled.date(),
                         terms="（演示）双方自愿达成和解，按约履行。", judicial_confirmation=confirmation)
        visited = _later(settled, rng.randint(5, 15), rng)
        recurred = rng.random() < 0.03
        case = self.step(visited, services.case_follow_up, case=case, actor=handler, visited_on=visited.date(),
                         method=rng.choice(FollowUp.Method.values), recurred=recurred,
                         satisfaction=rng.choices(FollowUp.Satisfaction.values, weights=[70, 22, 8])[0])
        case = self.step(_later(visited, 1, rng), services.case_close, case=case, actor=handler)
        if recurred:
            self.step(_later(self.last, rng.randint(5, 40), rng), services.case_reopen, case=case, actor=self.cadre,
                      narrative="（演示）纠纷再次发生")

    @staticmethod
    def _sweep_one(*, case: Case):
        with transaction.atomic():
            locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
            engine.evaluate(case=locked)


def build_month(*, month: int, months: int = 24, per_village_month: float = 20.0, today: datetime | None = None,
                code: str = "321302") -> int:
    """The cases registered in one month of the demo history (month 0 is the oldest), in the villages
    under `code` (the county by default). Months are independent and deterministic, so they can be
    built in any order, in parallel."""
    rng = random.Random(f"{SEED}-{month}")
    today = today or clock.now()
    cadres, mediators = _staff()
    categories = {c.code: c for c in Category.objects.filter(code__in=WEIGHTS)}
    codes, weights = zip(*WEIGHTS.items())
    villages = list(Area.objects.filter(level=Level.VILLAGE, code__startswith="321302").order_by("code")
                    .prefetch_related("children"))
    struggling = {v.code for v in random.Random(SEED).sample(villages, max(1, len(villages) // 8))}
    first = (today - timedelta(days=30 * (months - month))).date()
    total = 0
    for village in villages:
        grids = sorted(village.children.all(), key=lambda g: g.code)
        if not village.code.startswith(code):
            continue
        story = _Story(rng, today, cadres[village.code], mediators[village.code[:9]], village.code in struggling)
        for _ in range(_poisson(rng, per_village_month)):
            registered = _at(first + timedelta(days=rng.randint(0, 29)), rng)
            if registered <= today:
                story.tell(rng.choice(grids), categories[rng.choices(codes, weights)[0]], registered)
                total += 1
    _acknowledge_alerts(rng, since=_at(first, rng) - timedelta(days=1), until=today - timedelta(hours=1))
    return total


def _acknowledge_alerts(rng, *, since: datetime, until: datetime) -> None:
    """The history's urgent alerts were acknowledged, mostly within minutes, by the first person
    told — in towns without demo staff, whoever the escalation policy reached (so the dashboards have
    an acknowledgement time, and beat does not escalate months-old history today)."""
    for alert in Alert.objects.filter(acknowledged_at__isnull=True, created_at__gte=since,
                                      created_at__lt=until).order_by("created_at"):
        while not Notification.objects.filter(alert=alert).exists() and alert.next_escalation_at is not None:
            with clock.travel(alert.next_escalation_at):
                alerts_escalate_silent()
            alert.refresh_from_db()
        first = Notification.objects.filter(alert=alert).order_by("pk").select_related("recipient").first()
        if first is not None:
            with clock.travel(first.created_at + timedelta(minutes=rng.lognormvariate(1.6, 0.8))):
                alert_acknowledge(user=first.recipient, notification_id=first.pk)


def _poisson(rng, mean: float) -> int:
    # Knuth's method is fine for the small means used here.
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
