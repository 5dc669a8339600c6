"""One shared check of role and verification (ORG-3) and of API-key scopes (KEY-4)."""

from types import SimpleNamespace

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from interview_analyzer.permissions import Scope, member_required, require_access
from interview_analyzer.roles import ROLE_ORDER, Role

pytestmark = pytest.mark.django_db

# (acting role, required role) -> allowed, for every pair: the ladder interviewer < hiring_manager < recruiter < admin.
LADDER = [(actor, needed, actor.rank >= needed.rank) for actor in ROLE_ORDER for needed in ROLE_ORDER]


def page_request(member):
    request = RequestFactory().get("/somewhere")
    request.user = member.user if member else AnonymousUser()
    request.member = member
    request.session = {}
    return request


@pytest.mark.parametrize(("actor", "needed", "allowed"), LADDER)
def test_page_decorator_follows_the_role_ladder(acme, actor, needed, allowed):
    view = member_required(needed)(lambda request: HttpResponse("ok"))
    request = page_request(acme.member(actor))
    if allowed:
        assert view(request).status_code == 200
    else:
        with pytest.raises(PermissionDenied):
            view(request)


def test_anonymous_visitor_is_sent_to_log_in():
    view = member_required(Role.INTERVIEWER)(lambda request: HttpResponse("ok"))
    response = view(page_request(None))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/somewhere")


def test_unverified_member_is_refused_privileged_operations(acme):
    EmailAddress.objects.filter(user=acme.admin.user).update(verified=False)
    acme.admin.refresh_from_db()
    view = member_required(Role.INTERVIEWER)(lambda request: HttpResponse("ok"))
    with pytest.raises(PermissionDenied):
        view(page_request(acme.admin))
    relaxed = member_required(Role.INTERVIEWER, require_verified=False)(lambda request: HttpResponse("ok"))
    assert relaxed(page_request(acme.admin)).status_code == 200


def test_deactivated_member_or_user_is_refused(acme):
    view = member_required(Role.INTERVIEWER)(lambda request: HttpResponse("ok"))
    acme.recruiter.is_active = False
    with pytest.raises(PermissionDenied):
        view(page_request(acme.recruiter))
    acme.admin.user.is_active = False
    with pytest.raises(PermissionDenied):
        view(page_request(acme.admin))


def test_signed_in_user_without_membership_is_refused(acme):
    request = page_request(None)
    request.user = acme.admin.user
    view = member_required(Role.INTERVIEWER)(lambda request: HttpResponse("ok"))
    with pytest.raises(PermissionDenied):
        view(request)


class NeedsRecruiter(APIView):
    required_role = Role.RECRUITER

    def get(self, request):
        return HttpResponse("read")

    def post(self, request):
        return HttpResponse("written")


class NeedsAts(APIView):
    required_role = Role.INTERVIEWER
    required_scopes = {"POST": Scope.ATS}

    def post(self, request):
        return HttpResponse("ats")


class DefaultRole(APIView):
    def get(self, request):
        return HttpResponse("secret")


def api_call(view, member, method="get", auth=None):
    request = getattr(APIRequestFactory(), method)("/api/v1/test", format="json")
    request.member = member
    if member is not None:
        force_authenticate(request, user=member.user, token=auth)
    return view.as_view()(request)


@pytest.mark.parametrize(("actor", "needed", "allowed"), [row for row in LADDER if row[1] == Role.RECRUITER])
def test_api_permission_follows_the_role_ladder(acme, actor, needed, allowed):
    response = api_call(NeedsRecruiter, acme.member(actor))
    assert response.status_code == (200 if allowed else 403)


def test_api_answers_401_to_anonymous_callers():
    response = api_call(NeedsRecruiter, None)
    assert response.status_code == 401
    assert response.data == {"detail": "Authentication credentials were not provided."}


def test_api_view_without_a_declared_role_needs_admin(acme):
    assert api_call(DefaultRole, acme.recruiter).status_code == 403
    assert api_call(DefaultRole, acme.admin).status_code == 200


@pytest.mark.parametrize(
    ("scopes", "method", "view", "allowed"),
    [
        ((Scope.READ,), "get", NeedsRecruiter, True),
        ((Scope.READ,), "post", NeedsRecruiter, False),
        ((Scope.WRITE,), "get", NeedsRecruiter, False),
        ((Scope.WRITE,), "post", NeedsRecruiter, True),
        ((Scope.READ, Scope.WRITE), "post", NeedsAts, False),
        ((Scope.ATS,), "post", NeedsAts, True),
    ],
)
def test_credential_scopes_limit_what_a_key_can_do(acme, scopes, method, view, allowed):
    """A credential that carries scopes (API keys) can do nothing outside them, whatever the member's role."""
    credential = SimpleNamespace(scopes=scopes, membership=acme.admin)
    response = api_call(view, acme.admin, method=method, auth=credential)
    assert response.status_code == (200 if allowed else 403)


def test_a_credential_acts_as_its_own_membership_not_the_sessions(acme):
    credential = SimpleNamespace(scopes=(Scope.READ,), membership=acme.interviewer)
    response = api_call(NeedsRecruiter, acme.admin, auth=credential)
    assert response.status_code == 403


# --- require_access: the one write-side check every service makes (ORG-3, ORG-4, ORG-5) ---------------------------


def test_require_access_lets_a_member_with_the_role_act_on_what_they_see(acme):
    from tests.hiring.factories import HiringFactory

    hiring = HiringFactory(owner=acme.recruiter)
    require_access(acme.recruiter, hiring, Role.HIRING_MANAGER)
    require_access(acme.admin, hiring, Role.ADMIN)


def test_require_access_refuses_another_organization_a_lower_role_and_an_invisible_record(acme, globex):
    from tests.hiring.factories import HiringFactory

    hiring = HiringFactory(owner=acme.recruiter)
    refused = [
        (globex.admin, Role.INTERVIEWER),  # another organization's object: PermissionDenied, never DoesNotExist
        (acme.interviewer, Role.HIRING_MANAGER),  # below the role
        (acme.hiring_manager, Role.HIRING_MANAGER),  # the role, but not a hiring they manage (ORG-4)
        (None, Role.INTERVIEWER),
    ]
    for member, role in refused:
        with pytest.raises(PermissionDenied):
            require_access(member, hiring, role)
