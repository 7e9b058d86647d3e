"""`manage.py bench locate|cases|requests`: benchmarks on large synthetic data that print figures; each
leaves the database as it found it (see the modules for how)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from geodata.bench import bench_locate
from geodata.demo import COUNTY_CODE
from geodata.models import Area
from gridcase.cases.bench import bench_cases
from gridcase.dashboards.bench import bench_dashboards
from gridcase.patrols.bench import bench_patrols
from gridcase.requests.bench import bench_requests


class Command(BaseCommand):
    help = ("基准测试：locate（点定位到网格）、cases（百万案件下的规则扫描与案件列表）、requests（民情诉求）、"
            "patrols（轨迹上传与重点地区达标）或 dashboards（百万案件下的统计页面与热力图）。")

    def add_arguments(self, parser):
        parser.add_argument("what", choices=["locate", "cases", "requests", "patrols", "dashboards"])
        parser.add_argument("--points", type=int, default=1_000_000)
        parser.add_argument("--sample", type=int, default=2_000, help="locate：逐点 ORM 查询的样本数")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--open", type=int, default=100_000)
        parser.add_argument("--due", type=int, default=1_000)
        parser.add_argument("--requests", type=int, default=40)
        parser.add_argument("--patrols", type=int, default=1_000, help="patrols：上传轨迹的巡逻数")
        parser.add_argument("--patrol-points", type=int, default=2_000, help="patrols：每次巡逻的定位点数")
        parser.add_argument("--batch", type=int, default=100, help="patrols：每批上传的定位点数")
        parser.add_argument("--key-areas", type=int, default=1_000, help="patrols：重点地区数")
        parser.add_argument("--tracks", type=int, default=100_000, help="patrols：一周内的巡逻轨迹数")
        parser.add_argument("--keep", action="store_true", help="dashboards：保留合成数据供下次 --reuse")
        parser.add_argument("--reuse", action="store_true", help="dashboards：复用已有的合成数据（结束时清除）")

    def handle(self, *args, **options):
        if not Area.objects.filter(code=COUNTY_CODE).exists():
            raise CommandError("先运行 ./manage.py load_demo")
        if options["what"] == "locate":
            with transaction.atomic():
                bench_locate(write=self.stdout.write, n=options["points"], sample=options["sample"], seed=options["seed"])
                transaction.set_rollback(True)
        elif options["what"] == "requests":
            bench_requests(write=self.stdout.write, total=options["cases"], runs=options["requests"])
        elif options["what"] == "patrols":
            bench_patrols(write=self.stdout.write, patrols=options["patrols"], points=options["patrol_points"],
                          batch=options["batch"], key_areas=options["key_areas"], tracks=options["tracks"],
                          seed=options["seed"])
        elif options["what"] == "dashboards":
            bench_dashboards(write=self.stdout.write, total=options["cases"], requests=options["requests"],
                             keep=options["keep"], reuse=options["reuse"])
        else:
            bench_cases(write=self.stdout.write, total=options["cases"], open_cases=options["open"],
                        due=options["due"], requests=options["requests"])
