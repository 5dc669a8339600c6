"""The security matrix, rival-organization rows (TST-1, ORG-5): every endpoint that takes a public id, enumerated
from the URL configuration, is called by another organization's admin (session) and API key with the public id of
every tenant object of the victim organization, enumerated from the models. Each answer is the 404 of a missing
object, and the victim's data is exactly as before."""

import pytest
from django.apps import apps
from django.test import Client

from accounts.services import create_api_key, invite_member
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import TenantModel
from tests.security.urls_under_test import all_endpoints

pytestmark = pytest.mark.django_db

ID_ENDPOINTS = [e for e in all_endpoints() if "<pid:" in e.route]


def tenant_rows(organization):
    """Every tenant row of an organization, with its public id: (label, public_id, snapshot of its values)."""
    rows = []
    for model in apps.get_models():
        if issubclass(model, TenantModel) and any(f.name == "public_id" for f in model._meta.fields):
            for values in model.objects.for_operators().filter(organization=organization).order_by("pk").values():
                rows.append((model._meta.label, values["public_id"], values))
    return rows


@pytest.fixture
def victim(acme, django_capture_on_commit_callbacks):
    acme.organization.plan = "team"
    acme.organization.save()
    with django_capture_on_commit_callbacks(execute=True):
        invite_member(actor=acme.admin, email="pending@acme.test", role=Role.RECRUITER)
    create_api_key(actor=acme.admin, name="Acme ATS", scopes=["read", "write", "ats"], allowed_cidrs=[])
    return acme


@pytest.fixture
def rival(globex):
    globex.organization.plan = "team"
    globex.organization.save()
    _, raw_key = create_api_key(actor=globex.admin, name="Globex", scopes=["read", "write", "ats"], allowed_cidrs=[])
    return globex, raw_key


def test_the_matrix_has_endpoints_and_objects_to_try(victim):
    kinds = {label for label, _, _ in tenant_rows(victim.organization)}
    assert {"accounts.Membership", "accounts.Invitation", "accounts.ApiKey", "accounts.AuditEvent"} <= kinds
    assert len(ID_ENDPOINTS) >= 5


@pytest.mark.parametrize("endpoint", ID_ENDPOINTS, ids=lambda e: e.label)
def test_a_rival_gets_404_for_every_object_of_another_organization(endpoint, victim, rival):
    rival_org, raw_key = rival
    browser = Client()
    browser.force_login(rival_org.admin.user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    before = tenant_rows(victim.organization)
    for label, public_id, _ in before:
        path = _with_id(endpoint, public_id)
        callers = [api] if path.startswith("/api/") else [browser]
        for caller in callers:
            for method in ("get", "post", "patch", "delete"):
                response = getattr(caller, method)(path, {"role": "admin"} if method == "post" else None)
                allowed = (404, 405) if method != "post" else (404,)
                assert response.status_code in allowed, (endpoint.route, label, method, response.status_code)
    assert tenant_rows(victim.organization) == before


def _with_id(endpoint, public_id: str) -> str:
    """The endpoint's sample path with its public-id segment replaced by ``public_id``."""
    route_parts = endpoint.route.split("/")
    path_parts = endpoint.path.lstrip("/").split("/")
    return "/" + "/".join(public_id if "<pid:" in r else p for r, p in zip(route_parts, path_parts, strict=True))
