from django.core.management.base import BaseCommand, CommandError

from gridcase.ops.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从 backup 生成的文件恢复数据库与上传文件，并核对各表行数与事件日志校验和。恢复前请停止 web 与 Celery 进程。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--replace", action="store_true", help="目标数据库已有数据时也覆盖")

    def handle(self, *args, path, replace, **options):
        self.stdout.write(f"正在从 {path} 恢复 …")
        try:
            report = restore_backup(path, replace=replace)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        expected, found = report["manifest"], report["found"]
        for table, count in sorted(expected["tables"].items()):
            if found["tables"].get(table) != count:
                self.stderr.write(f"  {table}: 备份时 {count} 行，恢复后 {found['tables'].get(table)} 行")
        if not report["matches"]:
            raise CommandError("恢复后的数据与备份清单不一致（见上）")
        self.stdout.write(self.style.SUCCESS(
            f"完成：{len(found['tables'])} 张表、{sum(found['tables'].values())} 行与备份一致，"
            f"事件日志校验和 {found['event_log_md5']}"))
