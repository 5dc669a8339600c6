"""The production web process: gunicorn with deploy/gunicorn.conf.py sends no server banner (SEC-HDR) and trusts
forwarded headers only from the proxies TRUSTED_PROXY_* names (SEC-IP)."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_production_without_a_server_banner(tmp_path):
    server, port = _boot(tmp_path)
    try:
        response = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)  # noqa: S310
        assert response.status == 200
        assert response.headers.get("Server") is None
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    finally:
        server.terminate()
        server.wait(timeout=10)


def _boot(tmp_path, **extra):
    port = free_port()
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "https://interviews.example.com",
        "VAR_DIR": str(tmp_path),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        **extra,
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(  # noqa: S603
        [str(gunicorn), "-c", "deploy/gunicorn.conf.py", "interview_analyzer.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)  # noqa: S310
            return server, port
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.3)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _status_claiming_https(port: int) -> int:
    request = urllib.request.Request(  # noqa: S310
        f"http://127.0.0.1:{port}/api/v1/me", headers={"X-Forwarded-Proto": "https"}
    )
    try:
        return urllib.request.build_opener(_NoRedirect).open(request, timeout=5).status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_loopback_client_cannot_claim_https_unless_it_is_a_trusted_proxy(tmp_path):
    server, port = _boot(tmp_path / "untrusted")
    try:
        assert _status_claiming_https(port) == 301  # still sent to https: the header was not believed
    finally:
        server.terminate()
        server.wait(timeout=10)
    server, port = _boot(tmp_path / "trusted", TRUSTED_PROXY_CIDRS="127.0.0.1/32")
    try:
        assert _status_claiming_https(port) == 401  # from the named proxy it is believed: the API answers
    finally:
        server.terminate()
        server.wait(timeout=10)
