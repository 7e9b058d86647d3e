from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridcase.ops.backup import BackupError, create_backup, default_name


class Command(BaseCommand):
    help = "备份：数据库（pg_dump 自定义格式）与上传文件，打包为一个 tar 文件，附清单（各表行数、事件日志校验和）。"

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="输出文件（默认 ./gridcase-backup-日期-时间.tar）")

    def handle(self, *args, path=None, **options):
        target = Path(path or default_name())
        self.stdout.write(f"正在备份到 {target} …")
        try:
            manifest = create_backup(target)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"完成：{len(manifest['tables'])} 张表，共 {rows} 行，事件日志校验和 {manifest['event_log_md5']}，"
            f"文件 {target.stat().st_size / 1024 / 1024:.1f} MiB"))
