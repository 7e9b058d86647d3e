from django.core.management.base import BaseCommand
from django.db import transaction

from geodata.demo import COUNTY_CODE, build_territory
from geodata.models import Area
from gridcase.accounts.demo import DEMO_PASSWORD, create_demo_users


class Command(BaseCommand):
    help = "载入演示数据：宿城区真实外轮廓与区划代码，合成的乡镇/村/网格边界，以及各角色演示账号。"

    def handle(self, *args, **options):
        with transaction.atomic():
            if Area.objects.filter(code=COUNTY_CODE).exists():
                self.stdout.write("演示辖区已存在，跳过（删除数据库可重新生成）。")
            else:
                build_territory(log=self.stdout.write)
            users = create_demo_users()
        self.stdout.write(f"演示账号（密码 {DEMO_PASSWORD}）：")
        for user in users:
            self.stdout.write(f"  {user.username:<10} {user.get_role_display():<10} {user.area}")
