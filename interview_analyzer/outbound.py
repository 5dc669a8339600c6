"""The one way out of the network (SEC-SSRF).

Every outbound HTTP call (AI provider, ATS connector, invoicing, webhooks out) uses ``outbound_client()``. It
refuses hosts that are not on ``OUTBOUND_ALLOWED_HOSTS`` (or the caller's own extra list), and it checks every
address a name resolves to at connect time, connecting to exactly the address it checked, so DNS rebinding cannot
swap in an internal address between the check and the connection. Private, link-local (cloud metadata at
169.254.169.254), multicast, reserved and unspecified addresses are always refused; loopback only when
``OUTBOUND_ALLOW_LOOPBACK`` is set (a self-hoster's model server on the same machine, or the test servers).
Environment proxies are ignored and redirects are not followed.

``check_url`` is the same decision for a URL that is about to be stored (an organization's own model endpoint, a
webhook URL), made before anything is saved; it says which rule refused the URL, and each caller words the error
for its own form.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

import httpcore2
import httpx2
from django.conf import settings

# Cloud metadata endpoints that are not covered by the link-local rule on every platform.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("169.254.170.2"),
    ipaddress.ip_address("100.100.100.200"),
    ipaddress.ip_address("fd00:ec2::254"),
}


class OutboundRefused(Exception):
    """The destination is not allowed; nothing was sent."""


def _host_allowed(host: str, allowed: list[str]) -> bool:
    host = host.lower().rstrip(".").strip("[]")
    for entry in allowed:
        entry = entry.lower().rstrip(".").strip("[]")
        if entry.startswith("."):
            if host.endswith(entry) and len(host) > len(entry):
                return True
        elif host == entry:
            return True
    return False


def address_refusal(address, *, allow_loopback: bool) -> str | None:
    """Why an address may not be contacted, or ``None`` if it may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address in METADATA_ADDRESSES:
        return "cloud metadata address"
    if address.is_loopback:
        return None if allow_loopback else "loopback address"
    if address.is_link_local:
        return "link-local address"
    if address.is_unspecified or address.is_multicast or address.is_reserved:
        return "non-routable address"
    if address.is_private or not address.is_global:
        return "private address"
    return None


def resolve_allowed_addresses(host: str, port: int, *, allow_loopback: bool) -> list[str]:
    """Resolve ``host`` and return its addresses, refusing the whole host if any address is not allowed."""
    try:
        infos = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OutboundRefused(f"{host} does not resolve") from exc
    addresses = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        reason = address_refusal(address, allow_loopback=allow_loopback)
        if reason:
            raise OutboundRefused(f"{host} resolves to a {reason}")
        if str(address) not in addresses:
            addresses.append(str(address))
    return addresses


class UrlRefused(OutboundRefused):
    """A URL refused by ``check_url`` before it is stored. ``rule`` names the check that refused it (one of the
    constants below), ``host`` is the URL's host when it has one, and ``detail`` the address check's reason (for
    ``ADDRESS``: "api.example.com resolves to a private address"). Each caller words its own error from these."""

    SCHEME = "scheme"  # not http(s), or no host
    CREDENTIALS = "credentials"  # a user name or password in the URL
    QUERY = "query"  # a query or fragment, where the caller refuses one
    PORT = "port"  # the port is not a valid number
    HOST = "host"  # the host is not on the allowlist
    ADDRESS = "address"  # an address the host resolves to now is refused (``detail`` says which and why)
    PLAIN_HTTP = "plain_http"  # http:// to an address that is not loopback

    def __init__(self, rule: str, *, host: str = "", detail: str = ""):
        super().__init__(detail or rule)
        self.rule, self.host, self.detail = rule, host, detail


def check_url(url: str, *, extra_allowed_hosts: list[str] | None = None, allow_query: bool = True) -> str:
    """The URL, stripped, if it may be stored as an outbound destination; else ``UrlRefused`` (SEC-SSRF).

    In this order: http(s) with a host; no user name or password; no query or fragment unless ``allow_query``; a
    valid port; the host on ``OUTBOUND_ALLOWED_HOSTS`` or ``extra_allowed_hosts``; every address it resolves to now
    allowed (never private, link-local, metadata or reserved; loopback only with ``OUTBOUND_ALLOW_LOOPBACK``); plain
    http only when every address is loopback. ``outbound_client`` checks the host and the addresses again at every
    call, at connect time.
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:  # "https://[::1": an unclosed IPv6 bracket is not a URL at all
        raise UrlRefused(UrlRefused.SCHEME) from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UrlRefused(UrlRefused.SCHEME)
    host = parts.hostname
    if parts.username or parts.password:
        raise UrlRefused(UrlRefused.CREDENTIALS, host=host)
    if not allow_query and (parts.query or parts.fragment):
        raise UrlRefused(UrlRefused.QUERY, host=host)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise UrlRefused(UrlRefused.PORT, host=host) from None
    if not _host_allowed(host, list(settings.OUTBOUND_ALLOWED_HOSTS) + list(extra_allowed_hosts or [])):
        raise UrlRefused(UrlRefused.HOST, host=host)
    try:
        addresses = resolve_allowed_addresses(host, port, allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)
    except OutboundRefused as refusal:
        raise UrlRefused(UrlRefused.ADDRESS, host=host, detail=str(refusal)) from None
    if parts.scheme == "http" and not all(ipaddress.ip_address(address).is_loopback for address in addresses):
        raise UrlRefused(UrlRefused.PLAIN_HTTP, host=host)
    return url


class _CheckedBackend(httpcore2.SyncBackend):
    """Resolves, checks and connects to the checked address itself."""

    def __init__(self, allow_loopback: bool):
        self.allow_loopback = allow_loopback

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        last_error = None
        for address in resolve_allowed_addresses(host, port, allow_loopback=self.allow_loopback):
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore2.ConnectError as exc:
                last_error = exc
        raise last_error or OutboundRefused(f"{host} has no usable address")


class OutboundTransport(httpx2.HTTPTransport):
    def __init__(self, *, allowed_hosts: list[str], allow_loopback: bool, **kwargs):
        super().__init__(trust_env=False, **kwargs)
        self.allowed_hosts = allowed_hosts
        # The connection pool's network backend is where name resolution happens: checking there (and not only
        # on the URL) is what defeats DNS rebinding. tests/test_outbound.py proves it on real sockets.
        self._pool._network_backend = _CheckedBackend(allow_loopback)

    def handle_request(self, request):
        if request.url.scheme not in ("http", "https"):
            raise OutboundRefused(f"scheme {request.url.scheme!r} is not allowed")
        if not _host_allowed(request.url.host, self.allowed_hosts):
            raise OutboundRefused(f"{request.url.host} is not an allowed outbound host")
        return super().handle_request(request)


def outbound_client(*, extra_allowed_hosts: list[str] | None = None, timeout: float | None = None, **kwargs):
    """An ``httpx2.Client`` (the client the ``openai`` package uses) that only reaches allowed destinations."""
    transport = OutboundTransport(
        allowed_hosts=list(settings.OUTBOUND_ALLOWED_HOSTS) + list(extra_allowed_hosts or []),
        allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK,
    )
    return httpx2.Client(
        transport=transport,
        timeout=timeout if timeout is not None else settings.OUTBOUND_TIMEOUT_SECONDS,
        follow_redirects=False,
        trust_env=False,
        **kwargs,
    )
