"""Access-token authentication for the API (ID-2, ID-3).

``Authorization: Bearer <jwt>``: a value starting with ``ia_`` is an API key and is left to
``ApiKeyAuthentication``; any other Bearer value must be a valid access token, verified and re-loaded from the
database on every request by ``accounts.tokens``. Everything wrong answers 401 with the same message.

A member whose organization has since required two-factor authentication and who has not enrolled is refused with
403 ``mfa_enrolment_required`` (MFA-1), as the token endpoint refuses them new tokens: turning the policy on takes
effect on live token sessions at once.
"""

import re
from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from accounts import mfa, tokens
from accounts.models import Membership

API_KEY_PREFIX = b"ia_"
# Three base64url segments; the signature may be empty in a forged ``alg: none`` token, which decoding refuses.
JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class AccessTokenCredential:
    """``request.auth`` for an access token: the membership it acts through, with the full rights of its role."""

    membership: Membership
    scopes: None = None  # tokens are not scoped like API keys (KEY-4); RolePermission checks the role alone


class AccessTokenAuthentication(BaseAuthentication):
    def authenticate_header(self, request):
        return 'Bearer realm="api"'

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None  # no Bearer credential: session authentication may handle the request
        if len(header) == 2 and header[1].startswith(API_KEY_PREFIX):
            return None  # an API key: ApiKeyAuthentication's business
        if len(header) != 2:
            raise AuthenticationFailed(tokens.ACCESS_REFUSED)
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(tokens.ACCESS_REFUSED) from None
        if not JWT_SHAPE.match(raw):
            raise AuthenticationFailed(tokens.ACCESS_REFUSED)
        try:
            membership = tokens.membership_for_access_token(raw)
        except tokens.TokenRefused as refused:
            raise AuthenticationFailed(str(refused)) from None
        if mfa.must_enrol(membership):
            raise mfa.EnrolmentRequired(str(mfa.MESSAGES[mfa.ENROLMENT_REQUIRED]))
        return membership.user, AccessTokenCredential(membership=membership)
