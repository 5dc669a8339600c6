"""Scope isolation both ways (KEY-4, INT-1): only the connector's ``ats`` key reaches the ATS endpoints, and an
``ats`` key reaches nothing else. Every other API endpoint is enumerated from the URL configuration (TST-1)."""

import json

import pytest
from django.test import Client

from accounts.services import create_api_key, revoke_api_key
from accounts.tokens import issue_tokens
from hiring.models import Hiring
from integrations import services
from integrations.models import ExternalHiring
from tests.security.test_anonymous_matrix import is_public
from tests.security.urls_under_test import all_endpoints

pytestmark = pytest.mark.django_db

ATS_ROUTES = {"api-ats-hiring", "api-ats-candidate"}
OTHER_API = [e for e in all_endpoints() if e.path.startswith("/api/") and not is_public(e) and e.name not in ATS_ROUTES]
BODY = json.dumps({"title": "Backend engineer"})


def stored():
    return (
        list(Hiring.objects.for_operators().order_by("pk").values()),
        list(ExternalHiring.objects.for_operators().order_by("pk").values()),
    )


def _put(client, path="/api/v1/ats/hirings/JOB-1"):
    return client.put(path, BODY, content_type="application/json")


def test_the_ats_routes_are_enumerated():
    assert {e.name for e in all_endpoints()} >= ATS_ROUTES
    assert len(OTHER_API) > 10


@pytest.mark.parametrize("scopes", [["read"], ["write"], ["read", "write"]])
def test_read_and_write_keys_cannot_use_the_ats_endpoints(ats, scopes):
    _, raw = create_api_key(actor=ats.org.admin, name="script", scopes=scopes, allowed_cidrs=[])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    before = stored()
    for path in ("/api/v1/ats/hirings/JOB-1", "/api/v1/ats/candidates/c-1"):
        assert _put(client, path).status_code == 403
        assert client.get(path).status_code == 403
    assert stored() == before


@pytest.mark.parametrize("role", ["admin", "recruiter", "hiring_manager", "interviewer"])
def test_people_cannot_act_as_the_ats_with_a_session_or_token(ats, role):
    member = ats.org.member(role)
    browser = Client()
    browser.force_login(member.user)
    pair = issue_tokens(user=member.user, membership=member, request_ip=None, user_agent="test")
    token = Client(HTTP_AUTHORIZATION=f"Bearer {pair.access_token}")
    before = stored()
    for client in (browser, token):
        response = _put(client)
        assert response.status_code == 403, (role, response.status_code)
        assert "detail" in response.json()
    assert stored() == before


def test_only_the_key_the_connector_names_is_accepted(ats):
    _, other = create_api_key(actor=ats.org.admin, name="other ats", scopes=["ats"], allowed_cidrs=[])
    before = stored()
    response = _put(Client(HTTP_AUTHORIZATION=f"Bearer {other}"))
    assert response.status_code == 403 and response.json()["code"] == "not_the_connector_key"
    assert stored() == before
    assert _put(ats.client()).status_code == 201


def test_a_switched_off_connector_accepts_nothing(ats):
    services.save_connector(actor=ats.org.admin, enabled=False, kind="greenhouse", allowed_hosts=[], api_key=ats.key)
    before = stored()
    response = _put(ats.client())
    assert response.status_code == 403 and response.json()["code"] == "connector_disabled"
    assert stored() == before


def test_a_revoked_ats_key_is_refused(ats):
    revoke_api_key(actor=ats.org.admin, key=ats.key)
    assert _put(ats.client()).status_code == 401
    assert stored() == ([], [])


@pytest.mark.parametrize("endpoint", OTHER_API, ids=lambda e: e.label)
def test_the_ats_key_can_do_nothing_else(endpoint, ats):
    """An ``ats``-only key is refused on every other API endpoint, whatever the method; nothing changes."""
    client = ats.client()
    before = stored()
    for method in ("get", "post", "put", "patch", "delete"):
        response = getattr(client, method)(endpoint.path, {}, content_type="application/json")
        assert response.status_code in (403, 404, 405), (endpoint.route, method, response.status_code)
    assert stored() == before
