"""Structured logs (OPS-1): one JSON object a line, with the fields a log pipeline indexes.

Every line carries the ``request_id`` of the request it belongs to: set by ``RequestIdMiddleware`` (from a
well-formed incoming ``X-Request-ID``, else a new one), echoed in the response, and carried into the background jobs
the request enqueued (``RequestIdJobMiddleware``), so one id follows an upload from the request to its last step.
Log lines name people only by public id: personal data (names, emails, answers) is never passed to a logger
(tests/test_log_privacy.py greps a whole journey's logs and audit rows).
"""

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

import dramatiq

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
request_log = logging.getLogger("interview_analyzer.requests")
# Load balancers poll these every few seconds: a line each would drown the log.
QUIET_PATHS = frozenset({"/healthz", "/readyz"})


def accepted_request_id(value: str | None) -> str:
    """The caller's request id if it is a plain token (so a header cannot inject into log lines), else a new one."""
    if value and _REQUEST_ID_RE.match(value):
        return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Django middleware: one request id per request, in every log line and in the ``X-Request-ID`` response header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = request_id.set(accepted_request_id(request.headers.get(REQUEST_ID_HEADER)))
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id.get()
            if request.path not in QUIET_PATHS:
                request_log.info("request", extra=request_fields(request, response, time.monotonic() - started))
            return response
        finally:
            request_id.reset(token)


def request_fields(request, response, seconds: float) -> dict:
    """One request's log fields. The route pattern, never the path: a path may hold a one-time token (consent,
    invitation, portal links) and the query string may hold anything. The member by public id only."""
    match = getattr(request, "resolver_match", None)
    member = getattr(request, "member", None)
    return {
        "method": request.method,
        "route": f"/{match.route}" if match is not None and match.route else "(unresolved)",
        "status": response.status_code,
        "duration_ms": round(seconds * 1000, 1),
        "member": getattr(member, "public_id", None),
    }


class RequestIdJobMiddleware(dramatiq.Middleware):
    """Dramatiq middleware: a message enqueued during a request (or a job) carries its request id; the job's log
    lines carry it too."""

    def before_enqueue(self, broker, message, delay):
        current = request_id.get()
        if current and "request_id" not in message.options:
            message.options["request_id"] = current

    def before_process_message(self, broker, message):
        request_id.set(message.options.get("request_id") or f"job-{message.message_id}")

    def after_process_message(self, broker, message, *, result=None, exception=None):
        request_id.set(None)

    after_skip_message = after_process_message


_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        current = request_id.get()
        if current:
            payload["request_id"] = current
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                payload[key] = value if isinstance(value, str | int | float | bool | type(None)) else repr(value)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
