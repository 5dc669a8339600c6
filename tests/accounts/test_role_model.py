"""The role model of accounts operations (ORG-2, ORG-3): which role may do what, as one table.

Each row is an operation a person can attempt from the settings pages; each column a role. An allowed attempt
succeeds (2xx or a redirect back to the page); a refused one answers 403 and changes nothing in the database.
"""

import pytest

from accounts.models import ApiKey, AuditEvent, Invitation, Membership
from accounts.services import create_api_key, invite_member
from interview_analyzer.roles import ROLE_ORDER, Role

pytestmark = pytest.mark.django_db

ADMIN_ONLY = {Role.ADMIN}
EVERYONE = set(ROLE_ORDER)


def target_member(acme):
    return acme.interviewer


OPERATIONS = {
    # name: (method, url builder, data builder, roles allowed)
    "see members": ("get", lambda o, x: "/settings/members/", None, ADMIN_ONLY),
    "invite a member": (
        "post",
        lambda o, x: "/settings/members/",
        lambda o, x: {"email": "new.person@acme.test", "role": "interviewer"},
        ADMIN_ONLY,
    ),
    "change a role": (
        "post",
        lambda o, x: f"/settings/members/{o.interviewer.public_id}/role",
        lambda o, x: {"role": "recruiter"},
        ADMIN_ONLY,
    ),
    "deactivate a member": (
        "post",
        lambda o, x: f"/settings/members/{o.interviewer.public_id}/deactivate",
        lambda o, x: {},
        ADMIN_ONLY,
    ),
    "revoke an invitation": (
        "post",
        lambda o, x: f"/settings/invitations/{x['invitation'].public_id}/revoke",
        lambda o, x: {},
        ADMIN_ONLY,
    ),
    "see API keys": ("get", lambda o, x: "/settings/api-keys/", None, ADMIN_ONLY),
    "create an API key": (
        "post",
        lambda o, x: "/settings/api-keys/",
        lambda o, x: {"name": "ATS", "scopes": ["read"], "allowed_cidrs": ""},
        ADMIN_ONLY,
    ),
    "revoke an API key": (
        "post",
        lambda o, x: f"/settings/api-keys/{x['key'].public_id}/revoke",
        lambda o, x: {},
        ADMIN_ONLY,
    ),
    "see the DPA status": ("get", lambda o, x: "/settings/dpa/", None, ADMIN_ONLY),
    "accept the DPA": ("post", lambda o, x: "/settings/dpa/", lambda o, x: {"accept": "yes"}, ADMIN_ONLY),
    "read the audit trail": ("get", lambda o, x: "/settings/audit/", None, ADMIN_ONLY),
    "edit own profile": ("post", lambda o, x: "/profile/", lambda o, x: {"full_name": "New Name"}, EVERYONE),
    "see own identity in the API": ("get", lambda o, x: "/api/v1/me", None, EVERYONE),
}


def snapshot():
    return (
        list(Membership.objects.order_by("pk").values_list("role", "is_active")),
        Invitation.objects.filter(revoked_at__isnull=True).count(),
        Invitation.objects.count(),
        ApiKey.objects.filter(revoked_at__isnull=True).count(),
        ApiKey.objects.count(),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def world(acme, mailoutbox):
    acme.organization.plan = "team"
    acme.organization.save()
    invitation = invite_member(actor=acme.admin, email="pending@acme.test", role=Role.INTERVIEWER)
    key, _ = create_api_key(actor=acme.admin, name="Existing", scopes=["read"], allowed_cidrs=[])
    return {"invitation": invitation, "key": key}


@pytest.mark.parametrize("role", ROLE_ORDER, ids=lambda r: r.value)
@pytest.mark.parametrize("operation", list(OPERATIONS), ids=lambda name: name.replace(" ", "-"))
def test_role_model(client, acme, world, role, operation):
    method, url, data, allowed_roles = OPERATIONS[operation]
    actor = acme.member(role)
    client.force_login(actor.user)
    before = snapshot()
    payload = data(acme, world) if data else None
    response = (
        getattr(client, method)(url(acme, world), payload) if payload is not None else client.get(url(acme, world))
    )
    if role in allowed_roles:
        assert response.status_code in (200, 302), (operation, role, response.status_code)
    else:
        assert response.status_code == 403, (operation, role, response.status_code)
        assert snapshot() == before, f"{operation} refused for {role} but changed the database"
