"""Production defaults are safe: the settings refuse to start without what production needs."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from gridcase.lib.env import envbool, envint

ROOT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"GRIDCASE_PROFILE", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"}}
    return subprocess.run([sys.executable, "-c", "import gridcase.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"],
                          cwd=ROOT, env={**clean, **env}, capture_output=True, text=True)


def test_production_needs_a_secret_key():
    result = load_settings()
    assert result.returncode != 0 and "SECRET_KEY (or SECRET_KEY_FILE) must be set" in result.stderr


def test_production_needs_allowed_hosts():
    result = load_settings(SECRET_KEY="k" * 50)
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def test_production_needs_a_key_for_personal_data():
    result = load_settings(SECRET_KEY="k" * 50, ALLOWED_HOSTS="grid.example.gov.cn")
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS must be set" in result.stderr


def test_production_defaults_are_debug_off_and_secure_cookies():
    from cryptography.fernet import Fernet

    result = load_settings(SECRET_KEY="k" * 50, ALLOWED_HOSTS="grid.example.gov.cn",
                           FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


def test_a_secret_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    result = subprocess.run([sys.executable, "-c", "import gridcase.settings as s; print(s.SECRET_KEY)"], cwd=ROOT,
                            env={**os.environ, "SECRET_KEY_FILE": str(secret), "ALLOWED_HOSTS": "x",
                                 "FIELD_ENCRYPTION_KEYS": "x" * 43 + "="},
                            capture_output=True, text=True)
    assert result.stdout.strip() == "from-a-file"


def test_nonsense_values_are_refused(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be a boolean"):
        envbool("FLAG", False)
    with pytest.raises(ImproperlyConfigured, match="COUNT must be an integer"):
        envint("COUNT", 1)


def test_production_static_files_collect_with_hashed_names(tmp_path):
    result = subprocess.run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                            env={**os.environ, "DJANGO_SETTINGS_MODULE": "gridcase.settings",
                                 "GRIDCASE_PROFILE": "production", "SECRET_KEY": "k" * 50,
                                 "ALLOWED_HOSTS": "x", "FIELD_ENCRYPTION_KEYS": "x" * 43 + "=",
                                 "STATIC_ROOT": str(tmp_path)}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "staticfiles.json").exists()
