"""What README promises operators and API users is what the product does (issue 14, README items): a superuser made
with ``createsuperuser --noinput`` and only an email signs in to the Django admin; the token request takes the
fields README names and answers with them; every page links to the API docs while they are served."""

import json
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_createsuperuser_with_only_an_email_signs_in_to_the_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a long operator passphrase 2026")
    call_command("createsuperuser", "--email", "ops@example.com", "--noinput", verbosity=0)
    operator = User.objects.get(email="ops@example.com")
    assert operator.is_superuser and operator.is_staff
    client = Client()
    admin = f"/{settings.ADMIN_URL}"
    response = client.post(
        f"{admin}login/?next={admin}",
        {"username": "ops@example.com", "password": "a long operator passphrase 2026", "next": admin},
    )
    assert response.status_code == 302 and response["Location"] == admin
    assert "Interview Analyzer operations" in client.get(admin).content.decode()


def test_token_request_fields_are_the_ones_readme_names(acme):
    client = Client()
    response = client.post(
        "/api/v1/auth/token",
        json.dumps({"email": acme.recruiter.user.email, "password": PASSWORD}),
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "Bearer" and response["Cache-Control"] == "no-store"
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert '`{"email": "…", "password": "…"}`' in readme
    assert '`{"access_token", "token_type": "Bearer", "expires_in", "refresh_token"}`' in readme
    refreshed = client.post(
        "/api/v1/auth/refresh", json.dumps({"refresh_token": body["refresh_token"]}), content_type="application/json"
    )
    assert refreshed.status_code == 200 and set(refreshed.json()) == set(body)


def test_every_page_links_to_the_api_docs_while_they_are_served(client):
    assert settings.SERVE_API_SCHEMA  # on outside production, as in the tests
    html = client.get("/accounts/login/").content.decode()
    assert '<a href="/api/v1/docs/">API docs</a>' in html
    assert client.get("/api/v1/docs/").status_code == 200


def test_readme_links_stay_inside_the_repository():
    readme = (settings.BASE_DIR / "README.md").read_text()
    assert "../" not in readme and "shared/SPEC" not in readme
    for target in re.findall(r"\]\(([^)]+)\)", readme):
        assert not target.startswith(("http://", "https://", "/")), target
        assert (settings.BASE_DIR / target.split("#")[0]).exists(), target
