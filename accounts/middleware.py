"""The acting member of a request (ORG-1): the one path by which pages and the admin learn who acts."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import middleware as auth_middleware
from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils import translation

from accounts import mfa
from accounts.backends import upgrade_session_backend
from accounts.models import Membership

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization"


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's, after pointing a session signed in before issue 17 at the membership-loading backends
    (``accounts.backends.upgrade_session_backend``), so that upgrading signs nobody out."""

    def process_request(self, request):
        if hasattr(request, "session"):
            upgrade_session_backend(request.session)
        super().process_request(request)


class ActingMemberMiddleware:
    """Sets ``request.member``: the membership the signed-in user acts through (ORG-1), or ``None``.

    API requests authenticated by token or API key replace it with the credential's membership.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.member = None
        if request.user.is_authenticated:
            request.member = Membership.objects.acting_for(
                request.user, request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY)
            )
        return self.get_response(request)


class UserLanguageMiddleware:
    """The signed-in user's own language (issue 14): after sign-in every page follows ``User.language`` when it is
    set, whatever the browser asks for; a blank choice leaves LocaleMiddleware's pick (Accept-Language) in place.
    Sits after AuthenticationMiddleware; LocaleMiddleware's response step then sends the matching Content-Language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class MfaEnrolmentMiddleware:
    """A member who must enrol two-factor authentication can do nothing else until done (MFA-1).

    Every page sends them to the two-factor page except enrolment itself (allauth's ``mfa_*`` pages and the
    reauthentication they may ask for), sign-out, static files and the legal pages; the session-authenticated API
    answers 403 ``mfa_enrolment_required``. Requests carrying their own credential (an access token, whose issuing
    refuses such a member, or an API key, which is not a person) and the token endpoints are left to the API. Who must
    enrol, and the SSO exemption, is ``accounts.mfa.must_enrol``'s. Sits after the acting member, the session and
    allauth's middleware.
    """

    ALLOWED_URL_NAMES = frozenset(
        {
            "account_logout",
            # allauth asks for the password (or an emailed code, for SSO accounts) before enrolment
            "account_reauthenticate",
            "account_request_reauthentication_code",
            "account_confirm_reauthentication_code",
            "healthz",
            "readyz",
        }
    )
    ALLOWED_NAMESPACES = frozenset({"legal"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated or self._allowed(request):
            return None
        if not mfa.request_must_enrol(request):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": str(mfa.MESSAGES[mfa.ENROLMENT_REQUIRED]), "code": mfa.ENROLMENT_REQUIRED}, status=403
            )
        messages.warning(
            request,
            translation.gettext(
                "%(organization)s requires two-factor authentication. Set up an authenticator app or a passkey "
                "to continue."
            )
            % {"organization": request.member.organization.name},
        )
        return redirect("mfa_index")

    def _allowed(self, request) -> bool:
        if request.path.startswith(settings.STATIC_URL) or request.path.startswith("/api/v1/auth/"):
            return True
        if request.path.startswith("/api/") and request.headers.get("Authorization", "").lower().startswith("bearer "):
            # An access token or API key decides (token_auth refuses such a member's tokens; a key is not a person).
            # Any other header would fall through to the session, so it does not count.
            return True
        match = request.resolver_match
        if match is None:
            return False
        name = match.url_name or ""
        return (
            name.startswith("mfa_")
            or name in self.ALLOWED_URL_NAMES
            or bool(self.ALLOWED_NAMESPACES & set(match.namespaces))
        )
