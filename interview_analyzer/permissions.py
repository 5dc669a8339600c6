"""Role and verification checks in one place (ORG-3), plus API-key scopes (KEY-4).

Pages use ``member_required``; the API uses
``RolePermission``, which every DRF view gets by default. Both say "at least role R, and verified": an anonymous
caller is sent to log in (pages) or answered 401 (API); a member below the role, or not yet verified, gets 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

from interview_analyzer.roles import Role


class Scope:
    """API-key scopes (KEY-4). A key can do nothing outside its scopes."""

    READ = "read"
    WRITE = "write"
    ATS = "ats"
    ALL = (READ, WRITE, ATS)


def member_may(member, role: Role | str, *, require_verified: bool = True) -> bool:
    if member is None or not member.is_active or not member.user.is_active:
        return False
    if not member.has_role(role):
        return False
    return member.is_verified or not require_verified


def check_member(member, role: Role | str, *, require_verified: bool = True) -> None:
    if not member_may(member, role, require_verified=require_verified):
        raise PermissionDenied


def require_access(member, obj, role: Role | str = Role.INTERVIEWER, *, require_verified: bool = True) -> None:
    """The one write-side access check every service makes (ORG-3, ORG-4, ORG-5): the member has at least ``role``
    and may see ``obj`` through its model's ``visible_to``; otherwise ``PermissionDenied``, whether the object
    belongs to another organization, is outside the member's record-level visibility, or the role is too low.

    Views fetch objects through ``get_visible_or_404`` already; this guards every direct call of a service
    (an actor, a command, another app's service) with the same rule.
    """
    check_member(member, role, require_verified=require_verified)
    if not type(obj).objects.visible_to(member).filter(pk=obj.pk).exists():
        raise PermissionDenied


def member_required(role: Role | str = Role.INTERVIEWER, *, require_verified: bool = True):
    """Decorator for page views: anonymous → login page; without the role or verification → 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            check_member(request.member, role, require_verified=require_verified)
            return view(request, *args, **kwargs)

        wrapped.required_role = Role(role)
        return wrapped

    return decorator


def required_scope(view, method: str) -> str:
    """The scope a request needs: the view's ``required_scopes`` map, else read for safe methods, write otherwise."""
    scopes = getattr(view, "required_scopes", None) or {}
    if method in scopes:
        return scopes[method]
    return Scope.READ if method in SAFE_METHODS else Scope.WRITE


class RolePermission(BasePermission):
    """Default permission of every API view: ``view.required_role`` (admin when unset), verified, in scope.

    The acting member comes from the credential when it carries one (API key, access token), otherwise from the
    session through ``ActingMemberMiddleware``; the view set stores it on ``request.member``.
    """

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        member = api_member(request)
        role = getattr(view, "required_role", Role.ADMIN)
        if not member_may(member, role, require_verified=getattr(view, "require_verified", True)):
            return False
        credential_scopes = getattr(request.auth, "scopes", None)
        needed = required_scope(view, request.method)
        if credential_scopes is None:
            # A person (session or access token). The ``ats`` scope is for machines only: the ATS endpoints answer
            # an API key that carries it, never a person, so a session cannot act as the ATS (KEY-4, INT-1).
            return needed != Scope.ATS
        return needed in credential_scopes


def api_member(request):
    """The acting member of an API request: from the credential if it names one, else from the session."""
    member = getattr(request.auth, "membership", None)
    if member is None:
        member = getattr(request._request, "member", None)
    request._request.member = member
    return member
