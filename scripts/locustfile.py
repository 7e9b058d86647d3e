"""A bounded load test of a realistic mix (scripts/loadtest.sh runs it headless on loopback):
70% grid workers (their home map, map points, logging a dispute through the API), 20% mediators
(their queue, a case, accepting it with If-Match), 10% leaders (the dashboard). Afterwards every
dispute the workers logged is looked up again: the count must match."""

import random
import re
import uuid

from loadtest_record import record
from locust import HttpUser, between, task
from shapely.geometry import Point, shape

PASSWORD = "gridcase-demo"


def log_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/accounts/login/", name="login page")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    user.client.post("/accounts/login/", {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
                     headers={"Referer": f"{user.host}/accounts/login/"}, name="login")
    user.csrf = user.client.cookies.get("csrftoken", "")


class GridWorker(HttpUser):
    weight = 7
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, random.choice(["worker", "worker2"]))
        grids = self.client.get("/api/v1/areas/?level=grid", name="/api/v1/areas/?level=grid").json()["features"]
        self.shapes = [shape(feature["geometry"]) for feature in grids]
        w, s, e, n = self.shapes[0].bounds
        self.bbox = f"{w - 0.02},{s - 0.02},{e + 0.02},{n + 0.02}"

    def point(self) -> Point:
        grid = random.choice(self.shapes)
        w, s, e, n = grid.bounds
        while True:
            candidate = Point(random.uniform(w, e), random.uniform(s, n))
            if grid.buffer(-0.0002).contains(candidate):
                return candidate

    @task(4)
    def home(self):
        self.client.get("/", name="home map")

    @task(4)
    def map_points(self):
        self.client.get(f"/api/cases/points/?bbox={self.bbox}&zoom=14", name="map points")

    @task(2)
    def log_dispute(self):
        here, client_id = self.point(), str(uuid.uuid4())
        body = {"client_id": client_id, "title": "压测：邻里因停车起争执", "category": "02", "lon": here.x, "lat": here.y}
        with self.client.post("/api/v1/cases/", json=body, headers={"X-CSRFToken": self.csrf, "Referer": self.host},
                              name="log a dispute (API)", catch_response=True) as response:
            record(response, client_id)


class Mediator(HttpUser):
    weight = 2
    wait_time = between(1, 3)

    def on_start(self):
        log_in(self, random.choice(["mediator", "mediator2"]))

    @task(3)
    def queue(self):
        self.client.get("/cases/?queue=to_accept", name="mediator queue")

    @task(2)
    def accept_one(self):
        cases = self.client.get("/api/v1/cases/?state=registered&page_size=20", name="/api/v1/cases/?state=").json()
        if not cases["features"]:
            return
        case = random.choice(cases["features"])
        detail = self.client.get(f"/api/v1/cases/{case['id']}/", name="/api/v1/cases/{id}/")
        with self.client.post(f"/api/v1/cases/{case['id']}/transitions/accept", json={"note": "压测受理"},
                              headers={"X-CSRFToken": self.csrf, "Referer": self.host, "If-Match": detail.headers["ETag"]},
                              name="accept (API)", catch_response=True) as response:
            if response.status_code in (409, 412):
                response.success()  # another mediator was first: a correct refusal, not an error


class Leader(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        log_in(self, random.choice(["leader", "leader2"]))

    @task
    def dashboard(self):
        self.client.get("/dashboard/", name="dashboard")

