"""The load of the scale-out check (deploy/scaleout_check.py): locust users spread over every web instance.

``IA_HOSTS`` names the instances (comma-separated base URLs) and ``IA_TOKEN`` an access token of the demo recruiter.
Each request is named by its endpoint, not its instance, so the statistics are per endpoint across instances; any
5xx (or a connection error) is a failure, as is any answer other than the expected one.
"""

import itertools
import os

from locust import HttpUser, between, task

HOSTS = [host.rstrip("/") for host in os.environ["IA_HOSTS"].split(",")]
TOKEN = os.environ["IA_TOKEN"]
_next_host = itertools.cycle(HOSTS)


class Recruiter(HttpUser):
    host = HOSTS[0]
    wait_time = between(0.05, 0.2)

    def on_start(self):
        self.client.headers["Authorization"] = f"Bearer {TOKEN}"

    def _get(self, path: str, expected: int = 200):
        with self.client.get(f"{next(_next_host)}{path}", name=path, catch_response=True) as response:
            if response.status_code != expected:
                error = f" {type(response.error).__name__}: {response.error}" if response.error else ""
                response.failure(f"{response.status_code}{error}")

    @task(2)
    def health(self):
        self._get("/healthz")

    @task(4)
    def me(self):
        self._get("/api/v1/me")

    @task(3)
    def hirings(self):
        self._get("/api/v1/hirings/")

    @task(3)
    def candidates(self):
        self._get("/api/v1/candidates/")

    @task(2)
    def analyses(self):
        self._get("/api/v1/analyses/")
