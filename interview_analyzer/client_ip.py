"""Client IP resolution (SEC-IP).

``X-Forwarded-For`` is trusted only as far as configured proxies vouch for it: with ``TRUSTED_PROXY_HOPS = N``
the client is the address N places left of ``REMOTE_ADDR`` in ``XFF + [REMOTE_ADDR]``; with
``TRUSTED_PROXY_CIDRS`` the chain is walked from the right while addresses belong to trusted networks. By default
nothing is trusted and the answer is ``REMOTE_ADDR``. Rate limits, API-key allowlists and audit rows all use this.
"""

import ipaddress

from django.conf import settings


def _parse(value: str):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def from_trusted_proxy(request) -> bool:
    """Whether the connection itself comes from one of our proxies (SEC-IP): with ``TRUSTED_PROXY_CIDRS`` its
    address is in them; with ``TRUSTED_PROXY_HOPS`` alone every connection is (the deployment puts the proxy in
    front); with neither, none is."""
    cidrs = [ipaddress.ip_network(c, strict=False) for c in settings.TRUSTED_PROXY_CIDRS]
    if not cidrs:
        return bool(settings.TRUSTED_PROXY_HOPS)
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    return remote is not None and any(remote in network for network in cidrs)


def client_ip(request) -> str:
    meta = request.META
    remote = _parse(meta.get("REMOTE_ADDR", "")) or ipaddress.ip_address("0.0.0.0")  # noqa: S104 - "unknown", not a bind
    hops = settings.TRUSTED_PROXY_HOPS
    cidrs = [ipaddress.ip_network(c, strict=False) for c in settings.TRUSTED_PROXY_CIDRS]
    if not hops and not cidrs:
        return str(remote)

    forwarded = [p for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    chain = [_parse(p) for p in forwarded] + [remote]

    if cidrs:
        # Walk right to left through addresses that our own proxies added.
        for index in range(len(chain) - 1, -1, -1):
            address = chain[index]
            if address is None:
                # A garbled entry: trust stops at the last proxy that handed it to us.
                return str(chain[index + 1])
            if not any(address in network for network in cidrs):
                return str(address)
        return str(chain[0])

    # Hop count: the client is N places left of REMOTE_ADDR. Fewer entries than hops means a request that did
    # not come through all our proxies: fall back to the leftmost parseable address our proxies recorded.
    position = len(chain) - 1 - hops
    if position < 0:
        position = 0
    for address in chain[position:]:
        if address is not None:
            return str(address)
    return str(remote)
