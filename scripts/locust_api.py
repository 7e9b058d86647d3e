"""The API benchmark (issue 8; `scripts/loadtest.sh api` runs it headless on loopback): 16 clients
with Bearer tokens, no think time. Half pull one town's cases by bounding box, 100 a page, as a county
platform would; half log a new case at a point inside a grid, as a phone or the 12345 platform
would (the server looks up the grid). Every case logged is looked up again afterwards."""

import os
import random
import uuid

from loadtest_record import record
from locust import HttpUser, constant, task
from shapely.geometry import Point, shape


def bearer(variable: str) -> dict:
    return {"Authorization": f"Bearer {os.environ[variable]}"}


class CountyPlatform(HttpUser):
    """Reads as the town leader: every case of the town inside the town's bounding box."""

    weight = 1
    wait_time = constant(0)

    def on_start(self):
        self.client.headers.update(bearer("LOADTEST_READ_TOKEN"))
        town = self.client.get(f"/api/v1/areas/{os.environ['LOADTEST_TOWN']}/", name="/api/v1/areas/{code}/").json()
        w, s, e, n = shape(town["geometry"]).bounds
        self.bbox = f"{w},{s},{e},{n}"

    @task
    def cases_in_bbox(self):
        with self.client.get(f"/api/v1/cases/?bbox={self.bbox}&page_size=100",
                             name="/api/v1/cases/?bbox=town&page_size=100", catch_response=True) as response:
            if response.status_code == 200 and not response.json()["features"]:
                response.failure("no cases in the town: load the 1M cases first (see scripts/loadtest.sh)")


class Phone(HttpUser):
    """Writes as a grid worker: a new dispute at a random point well inside one of the worker's grids."""

    weight = 1
    wait_time = constant(0)

    def on_start(self):
        self.client.headers.update(bearer("LOADTEST_WRITE_TOKEN"))
        grids = self.client.get("/api/v1/areas/?level=grid", name="/api/v1/areas/?level=grid").json()["features"]
        self.insides = [shape(feature["geometry"]).buffer(-0.0002) for feature in grids]

    def point(self) -> Point:
        inside = random.choice(self.insides)
        w, s, e, n = inside.bounds
        while True:
            candidate = Point(random.uniform(w, e), random.uniform(s, n))
            if inside.contains(candidate):
                return candidate

    @task
    def log_case(self):
        here, client_id = self.point(), str(uuid.uuid4())
        body = {"client_id": client_id, "title": "压测：邻里因停车起争执", "category": "02", "lon": here.x, "lat": here.y}
        with self.client.post("/api/v1/cases/", json=body, headers={"Idempotency-Key": client_id},
                              name="/api/v1/cases/ (new case)", catch_response=True) as response:
            record(response, client_id)

