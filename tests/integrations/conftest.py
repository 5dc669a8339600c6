"""The ATS world: an organization with its connector on and the ``ats`` key the ATS uses, a rival organization set up
the same way, and a webhook receiver on a real local HTTP server (the outside world, mocked only at the wire)."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from accounts.services import create_api_key
from integrations import services


@dataclass
class AtsSetup:
    org: object
    raw_key: str
    key: object

    def client(self) -> Client:
        return Client(HTTP_AUTHORIZATION=f"Bearer {self.raw_key}", raise_request_exception=False)

    def put(self, path: str, body) -> object:
        return self.client().put(path, json.dumps(body), content_type="application/json")


def _set_up(org, kind="greenhouse", hosts=("hooks.ats.example",)) -> AtsSetup:
    org.organization.plan = "team"
    org.organization.save()
    key, raw = create_api_key(actor=org.admin, name="ATS", scopes=["ats"], allowed_cidrs=[])
    services.save_connector(actor=org.admin, enabled=True, kind=kind, allowed_hosts=list(hosts), api_key=key)
    return AtsSetup(org=org, raw_key=raw, key=key)


@pytest.fixture
def ats(acme) -> AtsSetup:
    return _set_up(acme)


@pytest.fixture
def rival_ats(globex) -> AtsSetup:
    return _set_up(globex)


@dataclass
class Receiver:
    port: int
    answers: list = field(default_factory=list)  # status codes to answer, in order; then 200
    requests: list = field(default_factory=list)  # (headers, raw body, status answered)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def accepted(self) -> list:
        return [r for r in self.requests if 200 <= r[2] < 300]


@pytest.fixture
def receiver():
    state = Receiver(port=0)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                status = state.answers.pop(0) if state.answers else 200
                state.requests.append(({k.lower(): v for k, v in self.headers.items()}, body, status))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()
