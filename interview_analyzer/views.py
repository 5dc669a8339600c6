"""Project-level pages: health and readiness (OPS-2), and the shared error pages."""

import logging

from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from interview_analyzer.jobs import broker_is_ready

logger = logging.getLogger(__name__)


@never_cache
@require_GET
def healthz(request):
    """Liveness: the process answers. Nothing else is checked, so a slow database never restarts web workers."""
    return JsonResponse({"status": "ok"})


def _database_ready() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, connection.vendor
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure by kind
        return False, f"{connection.vendor}: {type(exc).__name__}"


def _storage_ready() -> tuple[bool, str]:
    name = type(default_storage).__name__
    try:
        default_storage.exists("readiness-probe")
        return True, name
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure by kind
        return False, f"{name}: {type(exc).__name__}"


@never_cache
@require_GET
def readyz(request):
    """Readiness: database, broker and storage each answer (OPS-2). 503 with the failing part otherwise.

    The endpoint is public (load balancers), so it says only ok/failed per part; which backend, and why it failed,
    goes to the log for operators (found from outside: it named the database, broker and storage classes to
    anonymous callers).
    """
    checks = {"database": _database_ready(), "broker": broker_is_ready(), "storage": _storage_ready()}
    ready = all(ok for ok, _ in checks.values())
    if not ready:
        logger.warning("not ready", extra={name: detail for name, (ok, detail) in checks.items() if not ok})
    body = {"status": "ok" if ready else "unavailable"}
    body.update({name: {"ok": ok} for name, (ok, _detail) in checks.items()})
    return JsonResponse(body, status=200 if ready else 503)


def rate_limited(request, exception, retry_after: int = 60):
    """django-ratelimit's answer (SEC-RL): 429, JSON for the API, a page for people, and when to come back."""
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": "Too many requests. Try again later."}, status=429)
    else:
        response = render(request, "error.html", {"status": 429, "detail": "Too many attempts."}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def error_400(request, exception=None):
    return _error_page(request, 400, "The request could not be understood.")


def error_403(request, exception=None):
    return _error_page(request, 403, "You do not have access to this page.")


def error_404(request, exception=None):
    return _error_page(request, 404, "There is nothing here.")


def error_500(request):
    return _error_page(request, 500, "Something went wrong on our side. It has been logged.")


def _error_page(request, status, detail):
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return render(request, "error.html", {"status": status, "detail": detail}, status=status)
