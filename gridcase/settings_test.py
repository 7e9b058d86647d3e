"""Test settings: the real PostGIS and Redis, faster password hashing, one Redis database per xdist worker."""

import os

os.environ.setdefault("GRIDCASE_PROFILE", "dev")

from gridcase.settings import *  # noqa: E402,F403
from gridcase.settings import REDIS_URL  # noqa: E402

DEMO_NOTICE = True

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405

# pytest-xdist runs one process per core; give each its own Redis database so that one
# process's Celery worker never takes another's tasks (they point at different test databases).
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_base, _, _base_db = REDIS_URL.rpartition("/")
_redis_db = int(_base_db or 0) + 1 + int(_worker.removeprefix("gw") or 0)
REDIS_URL = CELERY_BROKER_URL = CELERY_RESULT_BACKEND = f"{_base}/{_redis_db}"
