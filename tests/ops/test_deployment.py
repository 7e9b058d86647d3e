"""What can be checked of the deployment without a Docker engine: the compose file's structure,
the Dockerfile's steps being setup.sh's, and Django's deployment checks under production settings."""

import re
import secrets
import subprocess
import sys

import yaml
from cryptography.fernet import Fernet

from tests.conftest import ROOT

DOCKER = ROOT / "docker"
LONG_RUNNING = ("db", "redis", "web", "worker", "beat")


def compose() -> dict:
    return yaml.safe_load((DOCKER / "compose.yaml").read_text())


def test_compose_runs_every_part_with_health_checks_and_named_volumes():
    spec = compose()
    services = spec["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "worker", "beat"}
    for name in LONG_RUNNING:
        assert services[name]["healthcheck"]["test"], name
        assert services[name]["restart"] == "unless-stopped", name
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["command"] == ["python", "manage.py", "migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}, name
        assert services[name]["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}, name
    named = set(spec["volumes"])
    used = {mount.split(":")[0] for service in services.values() for mount in service.get("volumes", [])}
    assert used == named == {"db", "redis", "media", "beat"}
    assert "ports" not in services["db"] and "ports" not in services["redis"]  # not reachable from outside


def test_compose_commands_exist_in_the_app():
    services = compose()["services"]
    assert services["web"]["command"][:2] == ["gunicorn", "gridcase.wsgi"]
    assert services["worker"]["command"][:4] == ["celery", "-A", "gridcase", "worker"]
    assert services["beat"]["healthcheck"]["test"][-1] == "beat_alive"
    assert (ROOT / "gridcase/ops/management/commands/beat_alive.py").exists()


def test_the_image_is_built_by_the_same_setup_script_and_runs_as_non_root():
    dockerfile = (DOCKER / "Dockerfile").read_text()
    assert re.search(r"^RUN scripts/setup\.sh --image", dockerfile, re.MULTILINE)
    assert len(re.findall(r"^FROM ", dockerfile, re.MULTILINE)) >= 2  # multi-stage
    users = re.findall(r"^USER (\S+)", dockerfile, re.MULTILINE)
    assert users and users[-1] not in {"root", "0"}
    setup = (ROOT / "scripts/setup.sh").read_text()
    assert '"--image"' in setup and "gdal-bin" in setup and "postgresql-client-15" in setup


def test_env_example_names_every_required_production_setting():
    example = (DOCKER / "env.example").read_text()
    for name in ("POSTGRES_PASSWORD", "SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS", "GRIDCASE_HTTPS"):
        assert re.search(rf"^{name}=", example, re.MULTILINE), name


def test_deploy_checks_are_clean_with_production_settings():
    env = {"PATH": "/usr/bin:/bin", "GRIDCASE_PROFILE": "production", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "gridcase.example.gov.cn", "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    result = subprocess.run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], cwd=ROOT,
                            env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
