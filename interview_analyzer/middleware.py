"""Request plumbing shared by every view: security headers and the request size limit (SEC-HDR, SEC-VAL)."""

from django.conf import settings
from django.http import JsonResponse
from django.template.response import TemplateResponse

from interview_analyzer.client_ip import from_trusted_proxy


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every response (SEC-HDR).

    Django's SecurityMiddleware covers HSTS, nosniff, the referrer policy and the SSL redirect;
    XFrameOptionsMiddleware sets ``DENY``. This middleware is the outermost, so responses that never reach the
    inner ones (SecurityMiddleware's HTTPS redirect) get ``X-Frame-Options`` from here. No response names the server
    software or framework version.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not from_trusted_proxy(request):
            # Only our proxies say which scheme the client used (SEC-IP): before SecurityMiddleware reads it.
            request.META.pop("HTTP_X_FORWARDED_PROTO", None)
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.pop("Server", None)
        response.headers.pop("X-Powered-By", None)
        return response


def max_request_bytes(limit: int):
    """Let one view accept larger bodies than ``REQUEST_MAX_BYTES`` (uploads declare their own limit)."""

    def decorator(view):
        view.max_request_bytes = limit
        return view

    return decorator


def _view_limit(view_func) -> int:
    for candidate in (view_func, getattr(view_func, "view_class", None), getattr(view_func, "cls", None)):
        limit = getattr(candidate, "max_request_bytes", None)
        if limit:
            return limit
    return settings.REQUEST_MAX_BYTES


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies with 413 before anything parses them (SEC-VAL).

    It runs in ``process_view``, ahead of the CSRF check that would otherwise read the body, so the limit can be
    the one the view declares. Bodies without a length (chunked) are not read by Django at all.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _error(request, 400, "The Content-Length header is not a number.")
        limit = _view_limit(view_func)
        if length > limit:
            return _error(request, 413, f"The request body is larger than the {limit} bytes this endpoint accepts.")
        return None


def _error(request, status: int, detail: str):
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": detail}, status=status)
    response = TemplateResponse(request, "error.html", {"status": status, "detail": detail}, status=status)
    return response.render()
