from django.core.management.base import BaseCommand, CommandError

from geodata.importer import import_areas
from geodata.models import Level


class Command(BaseCommand):
    help = ("导入区域边界（GeoJSON 或 Shapefile，.zip 亦可），转换为 WGS-84，写入前完整校验："
            "有错误则一条也不写入。")

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--level", required=True, choices=Level.values)
        parser.add_argument("--parent", help="上级区域代码；省略时按每个要素的代码前缀确定")
        parser.add_argument("--crs", help="文件坐标系：wgs84、gcj02、bd09 或 EPSG:nnnn；省略时按文件声明")
        parser.add_argument("--code-field", default="code")
        parser.add_argument("--name-field", default="name")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")

    def handle(self, *args, **options):
        report = import_areas(
            options["file"], level=options["level"], parent_code=options["parent"], crs=options["crs"],
            code_field=options["code_field"], name_field=options["name_field"], dry_run=options["dry_run"],
        )
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(f"有错误（{report.error_count} 个），未写入任何数据")
