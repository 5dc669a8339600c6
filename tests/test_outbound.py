"""The outbound HTTP allowlist (SEC-SSRF), against a real HTTP server on loopback."""

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import override_settings

from interview_analyzer import outbound
from interview_analyzer.outbound import OutboundRefused, address_refusal, outbound_client


class Handler(BaseHTTPRequestHandler):
    hits = 0

    def do_GET(self):
        type(self).hits += 1
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()
            return
        body = b'{"ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    Handler.hits = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@override_settings(OUTBOUND_ALLOWED_HOSTS=["127.0.0.1"], OUTBOUND_ALLOW_LOOPBACK=True)
def test_allowed_host_is_reached(local_server):
    with outbound_client() as client:
        response = client.get(f"http://127.0.0.1:{local_server}/")
    assert response.status_code == 200 and response.json() == {"ok": True}


@override_settings(OUTBOUND_ALLOWED_HOSTS=["127.0.0.1"], OUTBOUND_ALLOW_LOOPBACK=False)
def test_loopback_is_refused_unless_allowed(local_server):
    with outbound_client() as client, pytest.raises(OutboundRefused, match="loopback"):
        client.get(f"http://127.0.0.1:{local_server}/")
    assert Handler.hits == 0


@override_settings(OUTBOUND_ALLOWED_HOSTS=["api.example.test"], OUTBOUND_ALLOW_LOOPBACK=True)
def test_host_not_on_the_allowlist_is_refused_before_any_connection(local_server):
    with outbound_client() as client, pytest.raises(OutboundRefused, match="not an allowed outbound host"):
        client.get(f"http://127.0.0.1:{local_server}/")
    assert Handler.hits == 0


@override_settings(OUTBOUND_ALLOWED_HOSTS=["localhost"], OUTBOUND_ALLOW_LOOPBACK=False)
def test_an_allowed_name_that_resolves_to_loopback_is_refused_at_connect_time(local_server):
    """The DNS-rebinding case: the name is allowed, the address it resolves to is not."""
    with outbound_client() as client, pytest.raises(OutboundRefused, match="loopback"):
        client.get(f"http://localhost:{local_server}/")
    assert Handler.hits == 0


@override_settings(OUTBOUND_ALLOWED_HOSTS=["127.0.0.1"], OUTBOUND_ALLOW_LOOPBACK=True)
def test_redirects_are_not_followed(local_server):
    with outbound_client() as client:
        response = client.get(f"http://127.0.0.1:{local_server}/redirect")
    assert response.status_code == 302 and Handler.hits == 1


def test_connections_go_to_the_checked_address(monkeypatch, local_server):
    """DNS rebinding: a second lookup of the same name would answer an internal address; it is never asked."""
    real_getaddrinfo = socket.getaddrinfo
    lookups = []

    def rebinding_resolver(host, *args, **kwargs):
        if host != "models.internal.test":
            return real_getaddrinfo(host, *args, **kwargs)
        lookups.append(host)
        address = "127.0.0.1" if len(lookups) == 1 else "10.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, local_server))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding_resolver)
    settings = override_settings(OUTBOUND_ALLOWED_HOSTS=["models.internal.test"], OUTBOUND_ALLOW_LOOPBACK=True)
    with settings, outbound_client() as client:
        response = client.get(f"http://models.internal.test:{local_server}/")
    assert response.status_code == 200
    assert lookups == ["models.internal.test"]


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("169.254.169.254", "cloud metadata address"),
        ("100.100.100.200", "cloud metadata address"),
        ("fd00:ec2::254", "cloud metadata address"),
        ("169.254.10.1", "link-local address"),
        ("fe80::1", "link-local address"),
        ("10.1.2.3", "private address"),
        ("172.16.0.1", "private address"),
        ("192.168.1.1", "private address"),
        ("fc00::1", "private address"),
        ("100.64.0.1", "private address"),
        ("0.0.0.0", "non-routable address"),  # noqa: S104
        ("224.0.0.1", "non-routable address"),
        ("::ffff:10.0.0.1", "private address"),
        ("::ffff:169.254.169.254", "cloud metadata address"),
        ("127.0.0.1", "loopback address"),
        ("::1", "loopback address"),
    ],
)
def test_internal_addresses_are_refused(address, reason):
    import ipaddress

    assert address_refusal(ipaddress.ip_address(address), allow_loopback=False) == reason


@pytest.mark.parametrize("address", ["8.8.8.8", "2001:4860:4860::8888", "20.50.2.1"])
def test_public_addresses_pass_the_address_check(address):
    import ipaddress

    assert address_refusal(ipaddress.ip_address(address), allow_loopback=False) is None


@override_settings(OUTBOUND_ALLOWED_HOSTS=["169.254.169.254", "10.0.0.1"], OUTBOUND_ALLOW_LOOPBACK=True)
@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/"])
def test_internal_literal_addresses_are_refused_even_when_listed(url):
    with outbound_client() as client, pytest.raises(OutboundRefused):
        client.get(url)


@override_settings(OUTBOUND_ALLOWED_HOSTS=["127.0.0.1"], OUTBOUND_ALLOW_LOOPBACK=True)
def test_non_http_schemes_are_refused():
    with outbound_client() as client, pytest.raises((OutboundRefused, Exception)):
        client.get("file:///etc/passwd")


@override_settings(OUTBOUND_ALLOWED_HOSTS=[".openai.azure.com"])
def test_suffix_entries_match_subdomains_only():
    assert outbound._host_allowed("acme.openai.azure.com", [".openai.azure.com"])
    assert not outbound._host_allowed("openai.azure.com.evil.test", [".openai.azure.com"])
    assert not outbound._host_allowed("evilopenai.azure.com", [".openai.azure.com"])


@pytest.mark.parametrize(
    "url", ["https://[::1", "http://[fe80::1/x", "ftp://example.com/", "https://user:pw@example.com/"]
)
def test_check_url_refuses_what_is_not_an_allowed_destination(url, settings):
    """SEC-SSRF: ``check_url`` answers every malformed or refused URL with ``UrlRefused`` (a form error), never a
    500 from ``urlsplit``'s ValueError."""
    from interview_analyzer.outbound import UrlRefused, check_url

    settings.OUTBOUND_ALLOWED_HOSTS = ["example.com"]
    with pytest.raises(UrlRefused):
        check_url(url)
