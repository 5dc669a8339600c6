"""API-key authentication for integrations and scripts (KEY-1…8).

``Authorization: Bearer ia_live_<lookup>_<secret>``: the non-secret lookup finds the row, the SHA-256 of the whole
key is compared in constant time, and then, on every request: the key is not revoked (401), its creator's membership
and user are active, the plan still allows API keys, the resolved client IP is inside the key's networks (403), and
the key is within its plan's per-minute limit (429 with ``Retry-After``). Scopes are enforced by ``RolePermission``.
"""

import ipaddress
import re
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django_ratelimit.core import get_usage
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts.models import ApiKey, Membership
from interview_analyzer.client_ip import client_ip
from interview_analyzer.secret_tokens import hash_secret, secret_matches

KEY_RE = re.compile(r"^ia_live_(?P<lookup>[0-9A-Za-z]{8})_[0-9A-Za-z]{32}$")
# A hash to compare against when no row matches, so unknown and wrong keys take the same time.
_NO_KEY_HASH = hash_secret("ia_live_00000000_" + "0" * 32)
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass
class ApiKeyCredential:
    key: ApiKey
    membership: Membership

    @property
    def scopes(self) -> list[str]:
        return list(self.key.scopes)


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if len(header) != 2 or header[0].lower() != b"bearer" or not header[1].startswith(b"ia_"):
            return None  # not an API key: the access-token or session authentication may handle it
        raw = header[1].decode("ascii", errors="replace")
        match = KEY_RE.match(raw)
        if not match:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        key = (
            ApiKey.objects.select_related("organization", "membership__user", "membership__organization")
            .filter(lookup=match["lookup"])
            .first()
        )
        if not secret_matches(raw, key.key_hash if key else _NO_KEY_HASH) or key is None:
            raise exceptions.AuthenticationFailed("Invalid API key.")
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed("This API key has been revoked.")
        membership = key.membership
        if not membership.is_active or not membership.user.is_active:
            raise exceptions.AuthenticationFailed("This API key's owner is no longer an active member.")
        if not key.organization.feature("api_keys"):
            raise exceptions.PermissionDenied("The organization's plan does not include API access.")
        self._check_network(request, key)
        self._check_rate(request, key)
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > LAST_USED_PRECISION:
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        return membership.user, ApiKeyCredential(key=key, membership=membership)

    @staticmethod
    def _check_network(request, key: ApiKey) -> None:
        """KEY-5: the client IP from the shared resolver, so a forged X-Forwarded-For changes nothing."""
        if not key.allowed_cidrs:
            return
        address = ipaddress.ip_address(client_ip(request))
        if not any(address in ipaddress.ip_network(cidr, strict=False) for cidr in key.allowed_cidrs):
            raise exceptions.PermissionDenied("Requests with this API key are not allowed from this address.")

    @staticmethod
    def _check_rate(request, key: ApiKey) -> None:
        """KEY-7: per-key requests per minute from the plan tier, counted in the shared database cache."""
        per_minute = key.organization.feature("api_requests_per_minute")
        usage = get_usage(
            request, group="api_key", key=lambda group, request: key.lookup, rate=f"{per_minute}/m", increment=True
        )
        if usage and usage["should_limit"]:
            raise exceptions.Throttled(wait=max(int(usage["time_left"]), 1))
