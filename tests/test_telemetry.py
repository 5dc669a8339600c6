"""Optional trace export (OPS-1): off without the OTel environment; on, spans reach an OTLP/HTTP collector with
routes, status codes and request ids only — never a path's ids, an address, a query string or an exception's message."""

import json
import os
import secrets
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from interview_analyzer import telemetry
from interview_analyzer.public_ids import new_public_id
from tests.test_deploy import ROOT, _boot

SECRET_TOKEN = "tok" + secrets.token_hex(16)
HIRING_ID = new_public_id("hir")
EMAIL = "jane.doe.tracing@example.com"


def _provider():
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(telemetry.AllowlistExporter(exported)))
    return provider, exported


def test_tracing_is_off_without_the_otel_environment(monkeypatch):
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", raising=False)
    assert telemetry.enabled() is False
    assert telemetry.configure() is False


def test_the_exporter_keeps_only_allowlisted_attributes_and_the_exception_type():
    provider, exported = _provider()
    tracer = provider.get_tracer("test")
    with pytest.raises(ValueError), tracer.start_as_current_span("GET consent/<str:token>/") as span:
        span.set_attributes(
            {
                "http.request.method": "GET",
                "http.route": "consent/<str:token>/",
                "url.full": f"https://x.example/consent/{SECRET_TOKEN}/?email={EMAIL}",
                "http.target": f"/consent/{SECRET_TOKEN}/",
                "client.address": "203.0.113.9",
                "user_agent.original": "Mozilla/5.0 (Jane's laptop)",
                "http.response.status_code": 500,
            }
        )
        raise ValueError(f"no candidate with email {EMAIL}")
    (finished,) = exported.get_finished_spans()
    assert dict(finished.attributes) == {
        "http.request.method": "GET",
        "http.route": "consent/<str:token>/",
        "http.response.status_code": 500,
    }
    assert finished.status.status_code is StatusCode.ERROR and not finished.status.description
    (event,) = finished.events
    assert dict(event.attributes) == {"exception.type": "ValueError"}
    assert EMAIL not in repr(finished.to_json()) and SECRET_TOKEN not in finished.to_json()


def test_a_job_span_is_the_child_of_the_span_that_enqueued_it():
    provider, exported = _provider()
    broker = StubBroker()
    broker.add_middleware(telemetry.TracingJobMiddleware(tracer_provider=provider))
    outcomes = []

    @dramatiq.actor(broker=broker, actor_name="tracing_probe", max_retries=0)
    def probe(fail):
        outcomes.append(fail)
        if fail:
            raise RuntimeError(f"could not reach {EMAIL}")

    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("POST recordings/<pid:public_id>/complete/", kind=SpanKind.SERVER) as request:
        probe.send(False)
        probe.send(True)
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        broker.join(probe.queue_name, fail_fast=False)
        worker.join()
    finally:
        worker.stop()
    assert outcomes == [False, True]
    jobs = [span for span in exported.get_finished_spans() if span.name == "job tracing_probe"]
    assert len(jobs) == 2
    for job in jobs:
        assert job.kind is SpanKind.CONSUMER
        assert job.context.trace_id == request.get_span_context().trace_id
        assert job.parent.span_id == request.get_span_context().span_id
        assert job.attributes["job.actor"] == "tracing_probe"
    failed = next(job for job in jobs if job.status.status_code is StatusCode.ERROR)
    assert [dict(event.attributes) for event in failed.events] == [{"exception.type": "RuntimeError"}]
    assert EMAIL not in failed.to_json()


def test_a_job_sent_without_tracing_carries_no_trace_context():
    broker = StubBroker()
    broker.add_middleware(telemetry.TracingJobMiddleware())  # the API's no-op provider: tracing is off

    @dramatiq.actor(broker=broker, actor_name="untraced_probe")
    def probe():
        pass

    message = probe.send()
    assert telemetry.TRACE_CONTEXT_OPTION not in message.options


class _Collector(BaseHTTPRequestHandler):
    bodies: list[bytes] = []

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/v1/traces":
            self.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.end_headers()

    def log_message(self, *args):
        pass


def _spans(bodies):
    for body in bodies:
        request = ExportTraceServiceRequest.FromString(body)
        for resource_spans in request.resource_spans:
            service = {attr.key: attr.value.string_value for attr in resource_spans.resource.attributes}
            for scope_spans in resource_spans.scope_spans:
                for span in scope_spans.spans:
                    attributes = {}
                    for attr in span.attributes:
                        value = attr.value
                        attributes[attr.key] = value.string_value or value.int_value
                    yield service, span.name, attributes


def _get(url, **kwargs):
    request = urllib.request.Request(url, **kwargs)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


def test_gunicorn_exports_request_spans_to_an_otlp_collector_without_personal_data(tmp_path):
    """The real path: gunicorn (production settings) → Django instrumentation → allowlist → OTLP/HTTP protobuf."""
    _Collector.bodies = []
    collector = ThreadingHTTPServer(("127.0.0.1", 0), _Collector)
    threading.Thread(target=collector.serve_forever, daemon=True).start()
    env = {"VAR_DIR": str(tmp_path), "PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    server, port = _boot(
        tmp_path,
        OTEL_EXPORTER_OTLP_ENDPOINT=f"http://127.0.0.1:{collector.server_address[1]}",
        OTEL_SERVICE_NAME="ia-web-test",
        OTEL_BSP_SCHEDULE_DELAY="100",
        TRUSTED_PROXY_CIDRS="127.0.0.1/32",  # so X-Forwarded-Proto: https is believed (else: a redirect to https)
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # JSON endpoints only: production pages need collectstatic's manifest, which this bare boot does not have.
        hiring_status, hiring_headers = _get(
            f"{base}/api/v1/hirings/{HIRING_ID}/?email={EMAIL}", headers={"X-Forwarded-Proto": "https"}
        )
        token_status, _ = _get(
            f"{base}/api/v1/auth/token",
            data=json.dumps({"email": EMAIL, "password": "not-the-password"}).encode(),
            headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
            method="POST",
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            names = [name for _, name, _ in _spans(_Collector.bodies)]
            if any("hirings" in name for name in names) and any("auth/token" in name for name in names):
                break
            time.sleep(0.2)
    finally:
        server.terminate()
        server.wait(timeout=10)
        collector.shutdown()
    assert hiring_status == 401 and token_status == 401
    spans = list(_spans(_Collector.bodies))
    hiring = [(service, attrs) for service, name, attrs in spans if "hirings/<" in str(attrs.get("http.route"))]
    assert hiring, [name for _, name, _ in spans]
    service, attributes = hiring[0]
    assert service["service.name"] == "ia-web-test"
    assert attributes["request_id"] == hiring_headers["X-Request-ID"]
    assert attributes.get("http.status_code", attributes.get("http.response.status_code")) == 401
    assert set(attributes) <= telemetry.EXPORTED_ATTRIBUTES
    assert any(str(attrs.get("http.route")).endswith("auth/token") for _, _, attrs in spans)
    raw = b"".join(_Collector.bodies)
    for secret in (HIRING_ID, EMAIL, "jane.doe", "127.0.0.1", "Python-urllib", "not-the-password"):
        assert secret.encode() not in raw, secret
