"""A local HTTP double of Fakturownia's ``POST /invoices.json`` (BIL-4), scripted to fail before it succeeds.

``answers`` is a queue of what the next calls get: an HTTP status to fail with (before anything is created),
``"hang"`` to create the invoice and then not answer in time (a lost response), or nothing left: create the invoice
and answer 201 as Fakturownia does. ``invoices`` holds what was created, each with the request's invoice fields.
"""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_TOKEN = "fakturownia-test-token/acme"


class FakturowniaDouble:
    def __init__(self):
        self.answers: list = []
        self.invoices: list[dict] = []
        self.calls = 0
        self.hang_seconds = 3.0
        self.lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    double: FakturowniaDouble

    def log_message(self, format, *args):
        return

    def _send(self, status: int, body: dict):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
        double = self.double
        with double.lock:
            double.calls += 1
            answer = double.answers.pop(0) if double.answers else None
        if self.path != "/invoices.json":
            return self._send(404, {"code": "error", "message": "not found"})
        if body.get("api_token") != API_TOKEN:
            return self._send(401, {"code": "error", "message": "You must be logged in to gain access to the site"})
        if isinstance(answer, int):
            return self._send(answer, {"code": "error", "message": f"scripted {answer}"})
        with double.lock:
            number = len(double.invoices) + 1
            created = {
                **body["invoice"],
                "id": 1000 + number,
                "number": f"FV {number}/12/2026",
                "view_url": f"http://127.0.0.1:{self.server.server_address[1]}/invoices/{1000 + number}",
            }
            double.invoices.append(created)
        if answer == "hang":
            time.sleep(double.hang_seconds)
        return self._send(201, created)


class FakturowniaServer:
    def __init__(self):
        self.double = FakturowniaDouble()
        handler = type("BoundHandler", (Handler,), {"double": self.double})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.double.base_url = self.base_url
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FakturowniaDouble:
        self.thread.start()
        return self.double

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
