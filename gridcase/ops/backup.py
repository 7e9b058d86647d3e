"""Backup and restore: the database as a pg_dump custom-format archive and the uploaded files,
in one tar file with a manifest that says what was in it (row counts, a checksum of the event logs)
so that a restore can prove it brought everything back."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

from gridcase.lib import clock

FORMAT = 1


class BackupError(Exception):
    pass


def _pg_env() -> dict:
    db = settings.DATABASES["default"]
    return {**os.environ, "PGHOST": db["HOST"] or "", "PGPORT": str(db["PORT"] or ""), "PGUSER": db["USER"] or "",
            "PGPASSWORD": db["PASSWORD"] or "", "PGDATABASE": db["NAME"]}


def _run(command: list[str], **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, env=_pg_env(), check=True, capture_output=True, **kwargs)
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}（需要 postgresql-client）") from exc
    except subprocess.CalledProcessError as exc:
        raise BackupError(f"{command[0]} 失败：{exc.stderr.decode(errors='replace')[-2000:]}") from exc


def _app_tables() -> list[str]:
    return sorted(model._meta.db_table for model in apps.get_models() if model._meta.managed)


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for table in _app_tables():
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


def event_log_checksum() -> str:
    """MD5 over every row of every append-only event log (models named …Event), in id order."""
    digest = hashlib.md5()
    tables = sorted(m._meta.db_table for m in apps.get_models() if m.__name__.endswith("Event"))
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT coalesce(md5(string_agg(md5(t::text), \'\' ORDER BY t.id)), \'\') FROM "{table}" t')
            digest.update(f"{table}:{cursor.fetchone()[0]};".encode())
    return digest.hexdigest()


def _manifest() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM django_migrations")
        last_migration = cursor.fetchone()[0]
    return {"format": FORMAT, "created_at": clock.now().isoformat(), "database": settings.DATABASES["default"]["NAME"],
            "last_migration_id": last_migration, "tables": table_counts(), "event_log_md5": event_log_checksum()}


def default_name() -> str:
    return f"gridcase-backup-{datetime.now():%Y%m%d-%H%M%S}.tar"


def create_backup(path: Path) -> dict:
    """Write the backup to `path`; return its manifest. A consistent snapshot: pg_dump reads the
    database in one transaction, the counts are taken in one too (REPEATABLE READ)."""
    path = Path(path)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database.dump"
        _run([shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "-f", str(dump)])
        manifest = _manifest()
        partial = path.with_name(path.name + ".partial")
        with tarfile.open(partial, "w") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, "database.dump")
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                archive.add(media, "media")
        partial.rename(path)  # never a half-written file under the final name
    return manifest


def _extract(archive: tarfile.TarFile, members: list[tarfile.TarInfo], destination: str) -> None:
    """Plain files and folders only, and none that climbs out of `destination` (a crafted archive)."""
    for member in members:
        parts = Path(member.name).parts
        if not (member.isfile() or member.isdir()) or member.name.startswith("/") or ".." in parts:
            raise BackupError(f"备份文件含不安全的条目：{member.name!r}")
    # The "data" filter exists from Python 3.11.4 (and in distributions' backports); the check above
    # is what guards older ones.
    extra = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    archive.extractall(destination, members=members, **extra)


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('public.django_migrations') IS NULL")
        return cursor.fetchone()[0]


def restore_backup(path: Path, *, replace: bool = False) -> dict:
    """Restore `path` into the configured database and MEDIA_ROOT; return the manifest and what was
    found after the restore. Refuses a database that holds data unless `replace`."""
    path = Path(path)
    try:
        archive = tarfile.open(path, "r")
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(f"不是有效的备份文件：{exc}") from exc
    with archive, tempfile.TemporaryDirectory() as work:
        try:
            manifest = json.load(archive.extractfile("manifest.json"))
            _extract(archive, [archive.getmember("database.dump")], work)
        except (KeyError, ValueError) as exc:
            raise BackupError(f"备份文件缺少 manifest.json 或 database.dump：{exc}") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"不支持的备份格式 {manifest.get('format')!r}")
        if not database_is_empty() and not replace:
            raise BackupError("目标数据库已有数据；确认要覆盖请加 --replace（先停止 web 与 Celery 进程）")
        connection.close()
        _run([shutil.which("pg_restore") or "pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "-d", settings.DATABASES["default"]["NAME"], str(Path(work) / "database.dump")])
        media_root = Path(settings.MEDIA_ROOT)
        media_root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=media_root.parent) as unpacked:
            _extract(archive, [m for m in archive.getmembers() if m.name.startswith("media/")], unpacked)
            restored_media = Path(unpacked) / "media"
            if restored_media.is_dir():
                shutil.copytree(restored_media, media_root, dirs_exist_ok=True)
    found = {"tables": table_counts(), "event_log_md5": event_log_checksum()}
    return {"manifest": manifest, "found": found,
            "matches": found["tables"] == manifest["tables"] and found["event_log_md5"] == manifest["event_log_md5"]}
