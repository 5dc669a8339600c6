"""Oversized bodies answer 413 before anything parses them (SEC-VAL)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory, override_settings

from interview_analyzer.middleware import RequestSizeLimitMiddleware, max_request_bytes

pytestmark = pytest.mark.django_db


@override_settings(REQUEST_MAX_BYTES=1000)
def test_oversized_api_body_is_413_json_and_not_parsed(client, acme):
    client.force_login(acme.admin.user)
    response = client.post("/api/v1/me", data=b"x" * 1001, content_type="application/json")
    assert response.status_code == 413
    assert "1000 bytes" in response.json()["detail"]


@override_settings(REQUEST_MAX_BYTES=1000)
def test_oversized_form_post_is_413_page(client):
    response = client.post("/accounts/login/", data={"login": "a@b.test", "password": "x" * 2000})
    assert response.status_code == 413
    assert b"larger than" in response.content


@override_settings(REQUEST_MAX_BYTES=1000)
def test_body_within_the_limit_is_handled_normally(client):
    response = client.post("/accounts/login/", data={"login": "a@b.test", "password": "x" * 10})
    assert response.status_code == 200


def test_a_view_may_declare_a_larger_limit():
    middleware = RequestSizeLimitMiddleware(lambda request: HttpResponse())
    upload = max_request_bytes(5000)(lambda request: HttpResponse("stored"))
    plain = lambda request: HttpResponse()  # noqa: E731
    request = RequestFactory().post("/api/v1/upload", data=b"x" * 3000, content_type="application/octet-stream")
    with override_settings(REQUEST_MAX_BYTES=1000):
        assert middleware.process_view(request, upload, (), {}) is None
        assert middleware.process_view(request, plain, (), {}).status_code == 413


def test_a_garbled_content_length_is_a_400():
    middleware = RequestSizeLimitMiddleware(lambda request: HttpResponse())
    request = RequestFactory().post("/api/v1/me", data=b"{}", content_type="application/json")
    request.META["CONTENT_LENGTH"] = "12abc"
    assert middleware.process_view(request, lambda r: None, (), {}).status_code == 400
