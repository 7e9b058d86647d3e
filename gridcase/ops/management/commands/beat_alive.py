from django.core.management.base import BaseCommand, CommandError

from gridcase.front.health import check_beat
from gridcase.schedules import BEAT_HEARTBEAT_SECONDS


class Command(BaseCommand):
    help = "容器健康检查：Celery beat 最近是否按时发出心跳（失败时退出码非 0）。"

    def handle(self, *args, **options):
        beat = check_beat()
        if not beat["ok"] or beat["last_heartbeat_seconds_ago"] > 3 * BEAT_HEARTBEAT_SECONDS:
            raise CommandError(f"beat 未按时心跳：{beat}")
        self.stdout.write(f"beat 正常，{beat['last_heartbeat_seconds_ago']} 秒前心跳")
