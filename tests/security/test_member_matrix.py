"""The security matrix, member and API-key rows (TST-1): every endpoint, enumerated from the URL configuration.

- Every role of the organization gets an answer that is not a server error, on every endpoint, for GET and POST.
- Privilege is monotonic: if a role may open a page or read an API endpoint, every higher role may too.
- API keys are held to their scopes on every API endpoint: a read-only key never writes, a write-only key never reads.
"""

import pytest
from django.test import Client

from accounts.services import create_api_key
from interview_analyzer.roles import ROLE_ORDER
from tests.security.test_anonymous_matrix import is_public
from tests.security.urls_under_test import all_endpoints

pytestmark = pytest.mark.django_db

ENDPOINTS = all_endpoints()
PRIVATE = [e for e in ENDPOINTS if not is_public(e)]
API = [e for e in PRIVATE if e.path.startswith("/api/")]
# Signing out ends the session the rest of the row depends on.
SESSION_ENDING = {"account_logout", "admin:logout"}


@pytest.fixture
def sessions(acme):
    clients = {}
    for role in ROLE_ORDER:
        client = Client(raise_request_exception=False)
        client.force_login(acme.member(role).user)
        clients[role] = client
    return clients


@pytest.mark.parametrize("endpoint", [e for e in PRIVATE if e.name not in SESSION_ENDING], ids=lambda e: e.label)
def test_every_role_gets_an_answer_and_privilege_only_grows(endpoint, sessions):
    statuses = {}
    for role, client in sessions.items():
        get = client.get(endpoint.path)
        post = client.post(endpoint.path, {"junk": "<script>alert(1)</script>"})
        assert get.status_code < 500 and post.status_code < 500, (endpoint.route, role, get.status_code)
        statuses[role] = get.status_code
    granted = [role for role in ROLE_ORDER if statuses[role] == 200]
    if granted:
        lowest = min(granted, key=lambda role: role.rank)
        higher = [role for role in ROLE_ORDER if role.rank >= lowest.rank]
        assert all(statuses[role] == 200 for role in higher), (endpoint.route, statuses)


@pytest.fixture
def keys(acme):
    acme.organization.plan = "team"
    acme.organization.save()
    return {
        scope: create_api_key(actor=acme.admin, name=scope, scopes=[scope], allowed_cidrs=[])[1]
        for scope in ("read", "write", "ats")
    }


@pytest.mark.parametrize("endpoint", API, ids=lambda e: e.label)
def test_api_keys_are_held_to_their_scopes_everywhere(endpoint, keys):
    read_only = Client(HTTP_AUTHORIZATION=f"Bearer {keys['read']}", raise_request_exception=False)
    write_only = Client(HTTP_AUTHORIZATION=f"Bearer {keys['write']}", raise_request_exception=False)
    for method in ("post", "put", "patch", "delete"):
        response = getattr(read_only, method)(endpoint.path, {}, content_type="application/json")
        assert response.status_code in (403, 404, 405), (endpoint.route, method, response.status_code)
    read = write_only.get(endpoint.path)
    assert read.status_code in (403, 404, 405), (endpoint.route, read.status_code)
    assert read_only.get(endpoint.path).status_code < 500
