"""PostgreSQL restarted under load: requests during the restart get a clean 503 with Retry-After,
and the same web process serves normally afterwards. The test runs its own PostgreSQL cluster (a
copy of the test database) so that restarting it disturbs nobody else."""

import os
import shutil
import subprocess
import tempfile
import threading
import time

import pytest
from django.db import connection

from tests.conftest import _free_port, _serve, _wait_until
from tests.webclient import WebClient

BIN = "/usr/lib/postgresql/15/bin"


class PrivateCluster:
    def __init__(self):
        self.port = _free_port()
        self.dir = tempfile.mkdtemp(prefix="gridcase-pg-")
        self.data = os.path.join(self.dir, "data")
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            shutil.chown(self.dir, "postgres", "postgres")

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, cwd="/")

    def pg_ctl(self, action: str) -> None:
        self._run(f"{BIN}/pg_ctl", "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w", "-m", "fast",
                  "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off", action)

    def create(self) -> str:
        self._run(f"{BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.pg_ctl("start")
        return f"postgis://postgres@127.0.0.1:{self.port}/gridcase"

    def copy_of(self, settings_dict: dict) -> None:
        """The test database as it is now (territory and demo users), into this cluster."""
        source = ["-h", settings_dict["HOST"], "-p", str(settings_dict["PORT"]), "-U", settings_dict["USER"]]
        target = ["-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres"]
        env = {**os.environ, "PGPASSWORD": settings_dict["PASSWORD"] or ""}
        subprocess.run([f"{BIN}/createdb", *target, "gridcase"], check=True, env=env)
        dump = subprocess.Popen([f"{BIN}/pg_dump", *source, "--no-owner", "--no-privileges", settings_dict["NAME"]],
                                stdout=subprocess.PIPE, env=env)
        subprocess.run([f"{BIN}/psql", *target, "-q", "-v", "ON_ERROR_STOP=1", "-d", "gridcase"], stdin=dump.stdout,
                       check=True, env=env, stdout=subprocess.DEVNULL)
        assert dump.wait() == 0

    def destroy(self) -> None:
        try:
            self.pg_ctl("stop")
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster(django_db_setup, django_db_blocker):
    private = PrivateCluster()
    url = private.create()
    try:
        with django_db_blocker.unblock():
            private.copy_of(connection.settings_dict)
        yield private, url
    finally:
        private.destroy()


def test_requests_during_a_database_restart_get_503_and_the_server_recovers(cluster):
    private, database_url = cluster
    web = _serve(DATABASE_URL=database_url)
    client = WebClient(next(web), timeout=30)
    try:
        client.log_in("mediator")
        assert client.get("/cases/").status == 200

        answers: list[tuple[int, dict]] = []
        stop = threading.Event()

        def load():
            while not stop.is_set():
                response = client.get("/cases/")
                answers.append((response.status, response.headers))

        worker = threading.Thread(target=load)
        worker.start()
        _wait_until(lambda: len(answers) >= 3, "requests before the restart")
        private.pg_ctl("stop")
        time.sleep(2)  # requests keep coming while the database is down
        private.pg_ctl("start")
        restarted = len(answers)
        _wait_until(lambda: any(status == 200 for status, _ in answers[restarted:]), "a request after the restart")
        stop.set()
        worker.join(30)

        statuses = {status for status, _ in answers}
        assert statuses <= {200, 503}, f"only clean answers during the restart, got {statuses}"
        refused = [headers for status, headers in answers if status == 503]
        assert refused, "some requests must have hit the database while it was down"
        assert all(headers.get("Retry-After") == "5" for headers in refused)
        assert client.get("/cases/").status == 200  # the same web process, no restart
    finally:
        web.close()
