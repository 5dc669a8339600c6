"""A JSON body nested past MAX_JSON_DEPTH is a 400 with a JSON body on every API endpoint (SEC-VAL).

Found from outside: 1,000 or 10,000 nested ``[`` answered 500 (RecursionError) on every JSON endpoint, including the
unauthenticated token and refresh endpoints.
"""

import pytest
from django.test import Client

from interview_analyzer.parsers import MAX_JSON_DEPTH, json_depth_exceeds
from tests.security.urls_under_test import all_endpoints

API = [e for e in all_endpoints() if e.path.startswith("/api/v1/")]
DEEP = {
    "arrays": b"[" * 10_000 + b"]" * 10_000,
    "objects": b'{"a":' * 1_000 + b"1" + b"}" * 1_000,
    "mixed, unclosed": b'[{"a":' * 600,
}


def test_the_scanner_counts_nesting_outside_strings():
    assert not json_depth_exceeds(b'{"a": [1, {"b": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["}]}', limit=3)
    assert not json_depth_exceeds(b'{"a": "\\"[[[[[[[[[[[[[["}', limit=1)
    assert json_depth_exceeds(b"[[[[]]]]", limit=3)
    assert not json_depth_exceeds(b"[[[]]][[[]]]", limit=3)
    nested_ok = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert not json_depth_exceeds(nested_ok)
    assert json_depth_exceeds(b"[" + nested_ok + b"]")


@pytest.mark.django_db
@pytest.mark.parametrize("body", DEEP.values(), ids=DEEP.keys())
def test_unauthenticated_token_endpoints_answer_400_json(body):
    client = Client(raise_request_exception=False)
    for path in ("/api/v1/auth/token", "/api/v1/auth/refresh", "/api/v1/auth/logout"):
        response = client.post(path, body, content_type="application/json")
        assert response.status_code == 400, (path, response.status_code)
        assert "nested deeper" in response.json()["detail"]


@pytest.mark.django_db
def test_a_body_within_the_limit_is_parsed_as_before(acme):
    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        {"email": acme.recruiter.user.email, "password": "wrong", "nested": [[["fine"]]]},
        content_type="application/json",
    )
    assert response.status_code in (400, 401)
    assert "nested deeper" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", API, ids=lambda e: e.label)
def test_every_api_endpoint_refuses_a_deep_body_for_a_signed_in_admin(endpoint, acme):
    client = Client(raise_request_exception=False)
    client.force_login(acme.admin.user)
    for method in ("POST", "PUT", "PATCH"):
        response = client.generic(method, endpoint.path, DEEP["arrays"], content_type="application/json")
        assert response.status_code < 500, (endpoint.route, method, response.status_code)
        assert response.status_code in (400, 403, 404, 405, 415), (endpoint.route, method, response.status_code)
