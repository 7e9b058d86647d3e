"""`manage.py backup` and `restore` round trip: a real pg_dump/pg_restore into a second database,
the uploaded files alongside, and the row counts and event-log checksum compared."""

import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from gridcase.cases.services import PartyInput
from gridcase.ops.backup import event_log_checksum, table_counts
from tests.conftest import ROOT, _process_env


def manage(*args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**_process_env(), **env},
                          capture_output=True, text=True, timeout=300)


@pytest.fixture
def target_database(committed):
    """An empty database on the same server to restore into, dropped afterwards."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    yield name, f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_backup_restores_every_row_and_file(target_database, make_case, tmp_path):
    name, url = target_database
    case = make_case(parties=[PartyInput(role="applicant", name="王秀英", phone="13912345678")])
    make_case(title="另一件纠纷")
    source_media = tmp_path / "media"
    (source_media / "attachments" / "2026").mkdir(parents=True)
    (source_media / "attachments" / "2026" / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a photo")
    expected_counts, expected_checksum = table_counts(), event_log_checksum()
    assert expected_counts["cases_caseevent"] >= 2

    archive = tmp_path / "backup.tar"
    made = manage("backup", str(archive), MEDIA_ROOT=str(source_media))
    assert made.returncode == 0, made.stderr
    assert "完成" in made.stdout

    restored_media = tmp_path / "restored-media"
    restored = manage("restore", str(archive), DATABASE_URL=url, MEDIA_ROOT=str(restored_media))
    assert restored.returncode == 0, restored.stderr
    assert "与备份一致" in restored.stdout

    db = connection.settings_dict
    with psycopg.connect(host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=name) as target:
        for table in ("cases_case", "cases_caseevent", "cases_party", "geodata_area", "accounts_user"):
            assert target.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == expected_counts[table], table
        row = target.execute("SELECT phone_encrypted, phone_masked FROM cases_party WHERE case_id = %s", [case.pk]).fetchone()
        assert "13912345678" not in "".join(row) and row[1].startswith("139")  # still encrypted at rest
    assert event_log_checksum() == expected_checksum
    assert (restored_media / "attachments" / "2026" / "photo.jpg").read_bytes() == b"\xff\xd8\xff\xe0 not really a photo"

    again = manage("restore", str(archive), DATABASE_URL=url, MEDIA_ROOT=str(restored_media))
    assert again.returncode != 0 and "--replace" in again.stderr  # a database with data is not overwritten by accident


def test_a_file_that_is_not_a_backup_is_refused_clearly(target_database, tmp_path):
    _, url = target_database
    bogus = tmp_path / "notes.tar"
    bogus.write_text("这不是备份")
    result = manage("restore", str(bogus), DATABASE_URL=url)
    assert result.returncode != 0 and "不是有效的备份文件" in result.stderr
