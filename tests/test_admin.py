"""The Django admin for operators (OPS-4): tenant-safe querysets, no secrets shown."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from accounts.middleware import ActingMemberMiddleware
from accounts.models import Membership
from interview_analyzer.admin_base import TenantAdmin, is_secret_field
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_operators_see_every_organization(client, operator, acme, globex):
    client.force_login(operator)
    response = client.get("/admin/accounts/membership/")
    assert response.status_code == 200
    listed = set(response.context["cl"].queryset)
    assert {acme.admin, globex.admin} <= listed


def test_staff_who_are_members_see_only_their_organization(acme, globex):
    acme.admin.user.is_staff = True
    acme.admin.user.save()
    request = RequestFactory().get("/admin/accounts/membership/")
    request.user, request.session = acme.admin.user, {}
    ActingMemberMiddleware(lambda request: None)(request)  # the acting member, as for every request
    queryset = admin.site._registry[Membership].get_queryset(request)
    assert set(queryset) == set(Membership.objects.visible_to(acme.admin))
    assert globex.admin not in queryset


def test_staff_request_without_an_acting_member_sees_nothing(acme):
    request = RequestFactory().get("/admin/accounts/membership/")
    request.user = acme.admin.user  # no middleware ran: no request.member, so nothing is visible (fail closed)
    assert not admin.site._registry[Membership].get_queryset(request).exists()


@pytest.fixture
def populated(acme, django_capture_on_commit_callbacks):
    """One row of every accounts model, secrets included, so every admin page has something to show."""
    from accounts import services, tokens

    acme.organization.plan = "team"
    acme.organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.invite_member(actor=acme.admin, email="invitee@acme.test", role="interviewer")
    services.create_api_key(actor=acme.admin, name="Key", scopes=["read"], allowed_cidrs=["10.0.0.0/8"])
    services.accept_current_dpa(actor=acme.admin)
    tokens.issue_tokens(user=acme.admin.user, membership=acme.admin, request_ip="127.0.0.1", user_agent="test")
    return acme


def secret_values():
    from accounts.models import ApiKey, Invitation, RefreshSession

    values = list(ApiKey.objects.values_list("key_hash", flat=True))
    values += list(Invitation.objects.values_list("token_hash", flat=True))
    values += list(RefreshSession.objects.values_list("token_hash", flat=True))
    return [v for v in values if v]


def test_every_admin_page_renders_and_none_shows_a_secret(client, operator, populated):
    """Walks every registered model admin: changelist and change page answer 200 and hold no secret field."""
    secrets_stored = secret_values()
    assert len(secrets_stored) == 3
    client.force_login(operator)
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        changelist = client.get(f"/admin/{meta.app_label}/{meta.model_name}/")
        assert changelist.status_code == 200, meta.label
        obj = model._default_manager.first()
        if obj is None:
            continue
        change = client.get(f"/admin/{meta.app_label}/{meta.model_name}/{obj.pk}/change/")
        assert change.status_code == 200, meta.label
        page = changelist.content.decode() + change.content.decode()
        assert not [value for value in secrets_stored if value in page], meta.label
        if isinstance(model_admin, TenantAdmin):
            form_fields = change.context["adminform"].form.fields
            assert not [name for name in form_fields if is_secret_field(name)], meta.label


def test_the_password_hash_is_never_shown(client, operator, acme):
    client.force_login(operator)
    user = acme.admin.user
    page = client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    digest = user.password.split("$")[-1]
    assert digest not in page


@pytest.mark.parametrize(
    ("name", "secret"),
    [("key_hash", True), ("token_hash", True), ("client_secret", True), ("public_id", False), ("name", False)],
)
def test_secret_field_names_are_recognized(name, secret):
    assert is_secret_field(name) is secret
