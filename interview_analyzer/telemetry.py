"""Optional trace export with OpenTelemetry (OPS-1), configured only by the standard OTel environment variables.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (or ``OTEL_EXPORTER_OTLP_TRACES_ENDPOINT``) is set; then every process that
loads Django (web, worker, scheduler) exports spans over OTLP/HTTP: one server span per request (the maintained Django
instrumentation) and one consumer span per background job, its parent the request that enqueued it (the W3C trace
context travels in the message's options, beside the request id). The rest is the SDK's own environment
(``OTEL_SERVICE_NAME``, ``OTEL_TRACES_SAMPLER``, ``OTEL_EXPORTER_OTLP_HEADERS``, ``OTEL_BSP_*``).

Privacy (LOG-1, the white paper's "no personal data in logs"): a span leaves the process only through
``AllowlistExporter``, which keeps the span's name, timing, status, trace ids and the attribute keys in
``EXPORTED_ATTRIBUTES`` — the HTTP method, the URL *route* (``consent/<str:token>/``, never the path with its token or
public ids, never the query string), the status code, the request id, the job's actor — and of an exception only its
type. Client addresses, user agents, URLs, headers and exception messages are dropped before export, whatever the
instrumentation recorded. Span names are routes or actor names, so they carry no data either.
"""

from __future__ import annotations

import logging
import os
import threading

import dramatiq
from opentelemetry import context, propagate, trace
from opentelemetry.sdk.trace import Event, ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult
from opentelemetry.trace import SpanKind, Status, StatusCode

logger = logging.getLogger(__name__)

TRACER_NAME = "interview_analyzer"
# The only attribute keys that leave the process. Old and new HTTP semantic conventions both appear, as the
# instrumentation emits either depending on OTEL_SEMCONV_STABILITY_OPT_IN.
EXPORTED_ATTRIBUTES = frozenset(
    {
        "http.method",
        "http.request.method",
        "http.route",
        "http.status_code",
        "http.response.status_code",
        "http.scheme",
        "url.scheme",
        "http.flavor",
        "network.protocol.version",
        "request_id",
        "messaging.system",
        "messaging.operation",
        "messaging.destination.name",
        "messaging.message.id",
        "job.actor",
        "job.retries",
    }
)
EXPORTED_EVENT_ATTRIBUTES = frozenset({"exception.type"})
TRACE_CONTEXT_OPTION = "trace_context"  # the message option that carries the W3C trace context into a job

_configured = False
_lock = threading.Lock()


def enabled() -> bool:
    return bool(os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))


def _allowed(attributes, keys) -> dict:
    return {key: value for key, value in (attributes or {}).items() if key in keys}


def scrubbed(span: ReadableSpan) -> ReadableSpan:
    """A copy of ``span`` with only the allowlisted attributes, and exceptions reduced to their type."""
    events = [
        Event(event.name, _allowed(event.attributes, EXPORTED_EVENT_ATTRIBUTES), event.timestamp)
        for event in span.events
    ]
    status = span.status
    if status.status_code is StatusCode.ERROR:
        status = Status(StatusCode.ERROR)  # the description may quote the exception's message
    return ReadableSpan(
        name=span.name,
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=_allowed(span.attributes, EXPORTED_ATTRIBUTES),
        events=events,
        links=(),
        kind=span.kind,
        status=status,
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class AllowlistExporter(SpanExporter):
    """Wraps the real exporter: every span is scrubbed (``scrubbed``) before it is handed on."""

    def __init__(self, exporter: SpanExporter):
        self.exporter = exporter

    def export(self, spans) -> SpanExportResult:
        return self.exporter.export([scrubbed(span) for span in spans])

    def shutdown(self) -> None:
        self.exporter.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.exporter.force_flush(timeout_millis)


def _response_hook(span, request, response):
    """The request id on the server span (read from the response: the id's context ends before this hook runs)."""
    from interview_analyzer.logging import REQUEST_ID_HEADER

    if span.is_recording() and response.has_header(REQUEST_ID_HEADER):
        span.set_attribute("request_id", response[REQUEST_ID_HEADER])


def configure(exporter: SpanExporter | None = None) -> bool:
    """Install the tracer provider and the Django instrumentation once per process; ``False`` when tracing is off.

    Called from ``InterviewAnalyzerConfig.ready`` before any request handler loads its middleware. ``exporter`` is for
    tests; by default the OTLP/HTTP exporter reads its endpoint and headers from the environment.
    """
    global _configured
    if exporter is None and not enabled():
        return False
    with _lock:
        if _configured:
            return True
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.instrumentation.django import DjangoInstrumentor
        from opentelemetry.sdk.resources import SERVICE_NAME, Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        resource = Resource.create({SERVICE_NAME: os.environ.get("OTEL_SERVICE_NAME", "interview-analyzer")})
        provider = TracerProvider(resource=resource)
        provider.add_span_processor(BatchSpanProcessor(AllowlistExporter(exporter or OTLPSpanExporter())))
        trace.set_tracer_provider(provider)
        DjangoInstrumentor().instrument(tracer_provider=provider, response_hook=_response_hook)
        _configured = True
        logger.info("trace export on", extra={"service": resource.attributes.get(SERVICE_NAME)})
        return True


class TracingJobMiddleware(dramatiq.Middleware):
    """One consumer span per job, child of the request (or job) that enqueued it (OPS-1).

    Without a configured provider the API's tracer is a no-op: nothing is injected and the spans are not recorded.
    """

    def __init__(self, tracer_provider=None):
        self.tracer_provider = tracer_provider
        self._spans: dict[str, tuple] = {}
        self._spans_lock = threading.Lock()

    def _tracer(self):
        return trace.get_tracer(TRACER_NAME, tracer_provider=self.tracer_provider)

    def before_enqueue(self, broker, message, delay):
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        if carrier and TRACE_CONTEXT_OPTION not in message.options:
            message.options[TRACE_CONTEXT_OPTION] = carrier

    def before_process_message(self, broker, message):
        parent = propagate.extract(message.options.get(TRACE_CONTEXT_OPTION) or {})
        span = self._tracer().start_span(
            f"job {message.actor_name}",
            context=parent,
            kind=SpanKind.CONSUMER,
            attributes={
                "messaging.system": "dramatiq",
                "messaging.operation": "process",
                "messaging.destination.name": message.queue_name,
                "messaging.message.id": message.message_id,
                "job.actor": message.actor_name,
                "job.retries": message.options.get("retries", 0),
            },
        )
        token = context.attach(trace.set_span_in_context(span))
        with self._spans_lock:
            self._spans[message.message_id] = (span, token)

    def after_process_message(self, broker, message, *, result=None, exception=None):
        with self._spans_lock:
            entry = self._spans.pop(message.message_id, None)
        if entry is None:
            return
        span, token = entry
        if exception is not None:
            span.set_status(Status(StatusCode.ERROR))
            span.add_event("exception", {"exception.type": type(exception).__qualname__})
        span.end()
        context.detach(token)

    after_skip_message = after_process_message
