"""Demo hazards: a few per village in every state, made through the same services as real ones
(so numbers, events, rule firings and escalations are real), at simulated times over the last two
months; and a monthly inspection plan for a dangerous building in each demo village."""

import random
import struct
import zlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from gridcase.escalation import engine
from gridcase.hazards import inspections, services
from gridcase.hazards.models import HazardCategory, Interval, Severity
from gridcase.lib import clock
from gridcase.workdays.selectors import add_working_days

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 2026
# The villages of the demo logins get one hazard in every state, whatever the dice say.
SHOWCASE = ("321302112210", "321302101001")
TITLES = {
    "消防": ["楼道堆放杂物堵塞消防通道", "沿街门店电动车违规充电", "村民自建房私拉乱接电线"],
    "安全生产": ["小作坊液化气罐存放不规范", "废品收购站堆放过高"],
    "道路交通": ["村道急弯缺少警示标志", "桥梁护栏缺损"],
    "房屋建筑": ["老旧房屋墙体开裂", "废弃厂房屋顶坍塌风险"],
    "防汛/地质": ["河堤局部渗水", "排涝沟渠淤塞"],
    "食品药品": ["无证流动摊点售卖熟食"],
    "治安": ["废弃院落常有闲散人员聚集", "路灯损坏照明不足"],
    "环境": ["养殖污水直排沟渠", "垃圾集中点长期未清运"],
}
# The story each hazard follows: how far it gets (reported … closed), and its twists.
PLOTS = ["reported", "verified", "rejected", "rectifying", "overdue", "rectified", "closed", "rework", "extension"]


def _png() -> bytes:
    """An 8×8 orange square: a real PNG, small enough for a demo of thousands."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([200, 80, 40]) * 8 for _ in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


PNG = _png()


def _photo(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG)


def _cadre(village: Area, password: str) -> User:
    # The same per-village accounts as the case demo makes (they cannot log in).
    user, _ = User.objects.get_or_create(
        username=f"c{village.code}",
        defaults={"first_name": f"{village.name}调委会", "password": password, "role": Role.VILLAGE_CADRE,
                  "area": village})
    return user


def _office_hours(moment: datetime, rng) -> datetime:
    return datetime.combine(moment.astimezone(SHANGHAI).date(), time(rng.randint(8, 17), rng.randint(0, 59)),
                            tzinfo=SHANGHAI)


class _Story:
    def __init__(self, rng, today: datetime, cadre: User, approver: User):
        self.rng, self.today, self.cadre, self.approver = rng, today, cadre, approver

    def at(self, moment: datetime, action, **kwargs):
        moment = min(max(moment, self.last + timedelta(minutes=10)), self.today - timedelta(minutes=5))
        self.last = moment
        with clock.travel(moment):
            return action(**kwargs)

    def later(self, days: int) -> datetime:
        return _office_hours(add_working_days(self.last, days), self.rng)

    def tell(self, plot: str, grid: Area, category: HazardCategory, reported: datetime) -> None:
        rng = self.rng
        self.last = reported - timedelta(minutes=10)
        hazard = self.at(reported, services.hazard_report, actor=self.cadre, category=category,
                         title=rng.choice(TITLES.get(category.name, ["其他安全隐患"])),
                         description="（演示数据）网格员巡查发现。", location=grid.geom.point_on_surface,
                         severity=rng.choices([Severity.GENERAL, Severity.SERIOUS], [4, 1])[0],
                         photos=[_photo("整改前.png")])
        if plot == "reported":
            return
        if plot == "rejected":
            self.at(self.later(1), services.hazard_reject, hazard=hazard, actor=self.cadre, reason="经核实不构成隐患")
            return
        self.at(self.later(1), services.hazard_verify, hazard=hazard, actor=self.cadre)
        if plot == "verified":
            return
        ordered = self.later(1)
        days = 3 if plot == "overdue" else rng.randint(8, 15)
        deadline = services.end_of_day(add_working_days(ordered, days).astimezone(SHANGHAI).date())
        self.at(ordered, services.hazard_order_rectification, hazard=hazard, actor=self.cadre, deadline=deadline,
                responsible_kind="unit", responsible_name=f"{grid.name}责任单位", responsible_contact="0527-0000000")
        if plot in ("rectifying", "overdue"):
            return
        if plot == "extension":
            self.at(self.later(2), services.hazard_request_extension, hazard=hazard, actor=self.cadre,
                    new_deadline=deadline + timedelta(days=14), reason="需采购配件，申请延期两周")
            self.at(self.later(1), services.hazard_decide_extension, hazard=hazard, actor=self.approver, approve=True)
        self.at(self.later(rng.randint(2, 5)), services.hazard_complete, hazard=hazard, actor=self.cadre,
                photos=[_photo("整改后.png")], note="已按要求整改")
        if plot == "rework":
            self.at(self.later(1), services.hazard_rework, hazard=hazard, actor=self.cadre, reason="整改不彻底")
            self.at(self.later(2), services.hazard_complete, hazard=hazard, actor=self.cadre,
                    photos=[_photo("整改后.png")], note="已重新整改")
        if plot == "rectified":
            return
        self.at(self.later(1), services.hazard_close, hazard=hazard, actor=self.cadre, note="验收合格，予以销号")


def build(*, today: datetime, per_village: int = 4, only: tuple[str, ...] | None = None) -> int:
    """Hazards for every village of the demo county (or those with codes in `only`; a full set in the
    demo logins' villages), then a sweep of the rules at `today` so that overdue ones are escalated.
    Returns how many were made."""
    rng = random.Random(SEED)
    password = make_password(None)
    approver = User.objects.filter(role=Role.COUNTY_ADMIN, is_active=True).order_by("pk").first()
    categories = list(HazardCategory.objects.filter(active=True))
    made = 0
    villages = Area.objects.filter(level=Level.VILLAGE).order_by("code")
    for village in villages.filter(code__in=only) if only is not None else villages:
        grids = list(village.children.filter(level=Level.GRID).order_by("code"))
        if not grids:
            continue
        story = _Story(rng, today, _cadre(village, password), approver)
        plots = PLOTS if village.code in SHOWCASE else rng.choices(PLOTS, k=per_village)
        for plot in plots:
            # Hazards still being rectified were reported lately (a few of them are overdue); the rest earlier.
            ago = {"rectifying": (3, 8), "overdue": (8, 20)}.get(plot, (25, 60))
            reported = _office_hours(today - timedelta(days=rng.randint(*ago)), rng)
            try:
                story.tell(plot, rng.choice(grids), rng.choice(categories), reported)
            except services.HazardError:
                pass  # a rule moved the hazard meanwhile; the story ends where the rules left it
            made += 1
    engine.sweep(now=today)
    _plans(today)
    return made


def _plans(today: datetime) -> None:
    """A monthly inspection of a dangerous building in each showcase village, by its grid worker."""
    for code in SHOWCASE:
        worker = User.objects.filter(role=Role.GRID_WORKER, area__code=code).order_by("pk").first()
        cadre = User.objects.filter(role=Role.VILLAGE_CADRE, area__code=code).order_by("pk").first()
        if worker is None or cadre is None or not worker.grids.exists():
            continue
        grid = worker.grids.order_by("code").first()
        with clock.travel(today):
            inspections.plan_create(actor=cadre, title=f"危房每月巡查：{grid.name}老粮站", interval=Interval.MONTHLY,
                                    location=grid.geom.point_on_surface, assignee=worker,
                                    starts_on=date(today.year, today.month, 1))
            inspections.create_due_tasks()
