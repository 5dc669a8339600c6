"""One env-driven settings module (DEP-1), a safe production mode and its headers (SEC-HDR, ID-4)."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

import interview_analyzer.settings as project_settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "DJANGO_ALLOWED_HOSTS": "interviews.example.com",
    "SITE_URL": "https://interviews.example.com",
}
PROBE = """
import json, django
from django.conf import settings
django.setup()
import dramatiq
from django.core.files.storage import default_storage
print(json.dumps({
    "db": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "broker": type(dramatiq.get_broker()).__name__,
    "inprocess": settings.DRAMATIQ_INPROCESS_WORKER,
    "email": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""),
    "storage": settings.STORAGES["default"]["BACKEND"],
    "storage_options": sorted(settings.STORAGES["default"].get("OPTIONS", {})),
    "ai": settings.AI_PROVIDER,
    "debug": settings.DEBUG,
    "hasher": settings.PASSWORD_HASHERS[0],
}))
"""


def run_django(code: str, env: dict, *args) -> subprocess.CompletedProcess:
    clean = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "interview_analyzer.settings",
        **env,
    }
    command = [sys.executable, "-c", code] if code else [sys.executable, "manage.py", *args]
    return subprocess.run(command, cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)  # noqa: S603


def probe(env: dict) -> dict:
    result = run_django(PROBE, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_nothing_set_gives_the_embedded_default(tmp_path):
    values = probe({"VAR_DIR": str(tmp_path)})
    assert values["db"] == "django.db.backends.sqlite3"
    assert values["db_name"] == str(tmp_path / "db.sqlite3")
    assert values["broker"] == "StubBroker" and values["inprocess"] is True
    assert values["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert values["storage"] == "django.core.files.storage.FileSystemStorage"
    assert values["ai"] == "local"
    assert values["debug"] is True


def test_each_variable_switches_its_part(tmp_path):
    values = probe(
        {
            "VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://app:pw@db.internal:5432/interviews",
            "DRAMATIQ_BROKER_URL": "redis://127.0.0.1:6379/3",
            "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
            "AZURE_STORAGE_CONNECTION_STRING": "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
            "AccountKey=a2V5;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;",
        }
    )
    assert values["db"] == "django.db.backends.postgresql" and values["db_name"] == "interviews"
    assert values["broker"] == "RedisBroker" and values["inprocess"] is False
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_host"] == "smtp.example.com"
    assert values["storage"] == "storages.backends.azure_storage.AzureStorage"
    assert "connection_string" in values["storage_options"]


def test_rabbitmq_broker_and_managed_identity_storage(tmp_path):
    values = probe(
        {
            "VAR_DIR": str(tmp_path),
            "DRAMATIQ_BROKER_URL": "amqp://guest:guest@127.0.0.1:5672/",
            "AZURE_STORAGE_ACCOUNT_NAME": "iaprodstorage",
        }
    )
    assert values["broker"] == "RabbitmqBroker"
    assert values["storage"] == "storages.backends.azure_storage.AzureStorage"
    assert "token_credential" in values["storage_options"]
    assert "connection_string" not in values["storage_options"]


def test_an_unknown_broker_scheme_is_refused(tmp_path):
    result = run_django(PROBE, {"VAR_DIR": str(tmp_path), "DRAMATIQ_BROKER_URL": "kafka://x"})
    assert result.returncode != 0 and "DRAMATIQ_BROKER_URL" in result.stderr


@pytest.mark.parametrize(
    ("override", "complaint"),
    [
        ({"DJANGO_DEBUG": "true"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": project_settings.DEVELOPMENT_SECRET_KEY}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "short"}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_ALLOWED_HOSTS": ""}, "DJANGO_ALLOWED_HOSTS"),
        ({"SITE_URL": ""}, "SITE_URL"),
        ({"SITE_URL": "http://interviews.example.com"}, "SITE_URL"),
    ],
)
def test_production_refuses_to_boot_with_an_unsafe_setting(tmp_path, override, complaint):
    result = run_django(PROBE, {"VAR_DIR": str(tmp_path), **PRODUCTION, **override})
    assert result.returncode != 0
    assert "Refusing to start in production" in result.stderr and complaint in result.stderr


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_django("", {"VAR_DIR": str(tmp_path), **PRODUCTION}, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_turns_off_the_schema_and_the_api_browser(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings\n"
        "from django.urls import resolve, Resolver404\n"
        "print(settings.SERVE_API_SCHEMA, settings.REST_FRAMEWORK['DEFAULT_RENDERER_CLASSES'])\n"
        "try:\n    resolve('/api/v1/schema/'); print('schema served')\nexcept Resolver404:\n    print('no schema')"
    )
    result = run_django(code, {"VAR_DIR": str(tmp_path), **PRODUCTION})
    assert result.returncode == 0, result.stderr
    assert "False ['rest_framework.renderers.JSONRenderer']" in result.stdout
    assert "no schema" in result.stdout


def test_bcrypt_is_the_first_password_hasher():
    assert project_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.BCryptSHA256PasswordHasher"


def test_every_response_carries_the_security_headers(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert "Server" not in response and "X-Powered-By" not in response


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=31_536_000)
def test_production_redirects_to_https_and_sends_hsts(client):
    redirect = client.get("/accounts/login/")
    assert redirect.status_code == 301 and redirect["Location"].startswith("https://")
    secure = client.get("/accounts/login/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_the_https_redirect_carries_the_security_headers_too(client):
    """Found from outside: the redirect was answered before the headers middleware ran."""
    redirect = client.get("/accounts/login/")
    assert redirect.status_code == 301
    assert "default-src 'self'" in redirect["Content-Security-Policy"]
    assert "camera=()" in redirect["Permissions-Policy"]
    assert redirect["X-Frame-Options"] == "DENY"
    assert redirect["X-Content-Type-Options"] == "nosniff"
    assert redirect["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.django_db
def test_cookies_are_httponly_and_samesite(client):
    response = client.get("/accounts/login/")
    cookie = response.cookies["csrftoken"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
