"""What the simulated clients logged, for scripts/loadtest.sh to look up in the database afterwards
(shared by the locust files; locust puts their directory on the import path)."""

import os

from locust import events

logged: set[str] = set()  # client ids of the cases the simulated clients logged
refused: list[str] = []


def record(response, client_id: str) -> None:
    """Inside `catch_response`: remember a logged case; anything but 201 is a failure."""
    if response.status_code == 201:
        logged.add(client_id)
    else:
        refused.append(f"{response.status_code} {response.text[:200]}")
        response.failure(f"{response.status_code}")


@events.test_stop.add_listener
def write_down_what_was_logged(environment, **kwargs):
    with open(os.environ.get("LOADTEST_LOGGED", "var/loadtest/logged.txt"), "w") as f:
        f.write("\n".join(sorted(logged)))
    print(f"LOADTEST logged={len(logged)} refused={len(refused)}")
    for line in refused[:5]:
        print(f"  refused: {line}")
