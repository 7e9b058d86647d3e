from django.core.management.base import BaseCommand
from django.db import transaction

from geodata.demo import COUNTY_CODE, build_territory
from geodata.models import Area
from gridcase.accounts.demo import DEMO_PASSWORD, create_demo_users
from gridcase.cases import demo as case_demo
from gridcase.cases.models import Case
from gridcase.cases.tasks import build_demo_month
from gridcase.dashboards import rollup
from gridcase.deliberation import demo as deliberation_demo
from gridcase.hazards import demo as hazard_demo
from gridcase.hazards.models import Hazard
from gridcase.hazards.tasks import build_demo as build_demo_hazards
from gridcase.lib import clock


class Command(BaseCommand):
    help = "载入演示数据：宿城区真实外轮廓与区划代码，合成的乡镇/村/网格边界，各角色演示账号，以及约两年的演示案件。"

    def add_arguments(self, parser):
        parser.add_argument("--cases", choices=["background", "now", "none"], default="background",
                            help="演示案件：交给 Celery worker 在后台逐月生成（默认）、立即生成，或不生成")
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--per-village-month", type=float, default=20.0)
        parser.add_argument("--patrols", choices=["auto", "now", "none"], default="auto",
                            help="演示巡逻（打卡点与数周巡逻轨迹）：auto 随演示案件一起生成（--cases none 时不生成）")
        parser.add_argument("--patrol-weeks", type=int, default=3)

    def handle(self, *args, **options):
        with transaction.atomic():
            if Area.objects.filter(code=COUNTY_CODE).exists():
                self.stdout.write("演示辖区已存在，跳过（删除数据库可重新生成）。")
            else:
                build_territory(log=self.stdout.write)
            users = create_demo_users()
            self.load_alert_policy()
        self.stdout.write(f"演示账号（密码 {DEMO_PASSWORD}）：")
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.get_role_display():<10} {user.area}")
        self.load_cases(options["cases"], options["months"], options["per_village_month"])
        self.load_hazards(options["cases"])
        if options["cases"] != "none":
            deliberation_demo.build(log=self.stdout.write)
        self.load_requests(options["cases"])
        if options["patrols"] == "now" or (options["patrols"] == "auto" and options["cases"] != "none"):
            from gridcase.patrols.demo import build_patrols

            self.stdout.write(f"演示巡逻：{build_patrols(weeks=options['patrol_weeks'], log=self.stdout.write)} 次")

    def load_alert_policy(self):
        """Whom an unacknowledged urgent alert goes to next in the demo county: the town's mediator
        (standing in for the deputy), then the county admins on duty."""
        from geodata.models import Level
        from gridcase.accounts.models import Role
        from gridcase.notifications.models import EscalationPolicy, PolicyStep

        policy, made = EscalationPolicy.objects.get_or_create(area=Area.objects.get(code=COUNTY_CODE),
                                                              defaults={"name": "宿城区紧急事项升级"})
        if made:
            PolicyStep.objects.create(policy=policy, order=1, role=Role.MEDIATOR, level=Level.TOWN)
            PolicyStep.objects.create(policy=policy, order=2, role=Role.COUNTY_ADMIN, level=Level.COUNTY)

    def load_cases(self, how: str, months: int, per_village_month: float):
        if how == "none":
            return
        if Case.objects.exists():
            self.stdout.write("已有案件，不再生成演示案件。")
            return
        today = clock.now()
        if how == "now":
            for month in range(months):
                count = case_demo.build_month(month=month, months=months, per_village_month=per_village_month, today=today)
                self.stdout.write(f"  演示案件：第 {month + 1}/{months} 个月，{count} 件")
            self.stdout.write(f"  指标月汇总：{rollup.refresh_dirty():,} 行")
            return
        for month in range(months):
            build_demo_month.delay(month, months, per_village_month, today.isoformat())
        self.stdout.write(f"已交给 Celery worker 在后台生成 {months} 个月的演示案件（每村每月约 {per_village_month:g} 件），"
                          "进度见 var/log/bulk.log；看板在汇总重算前直接按事件计算。")

    def load_hazards(self, how: str):
        if how == "none" or Hazard.objects.exists():
            return
        if how == "background":
            build_demo_hazards.delay(clock.now().isoformat())
            self.stdout.write("已交给 Celery worker 在后台生成演示隐患（各种状态）。")
            return
        count = hazard_demo.build(today=clock.now())
        self.stdout.write(f"演示隐患：{count} 条（各种状态，超期的已按规则上报）。")
    def load_requests(self, how: str):
        from gridcase.requests import demo as request_demo
        from gridcase.requests.models import Request

        if how == "none" or Request.objects.exists():
            return
        self.stdout.write(f"演示民情诉求：{request_demo.build()} 件")
