"""One request id per request (OPS-1): in the response, in every log line of the request, and carried into the jobs
the request enqueued, so one id follows work from the request to its last background step."""

import json
import logging

import dramatiq
import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from interview_analyzer.logging import REQUEST_ID_HEADER, JsonFormatter, request_id

log = logging.getLogger("tests.request_id")
seen_in_job: list[str | None] = []


@dramatiq.actor(queue_name="default", max_retries=0)
def remember_request_id():
    seen_in_job.append(request_id.get())
    log.info("job ran")


def enqueue_view(request):
    log.info("view ran")
    remember_request_id.send()
    return HttpResponse("ok")


urlpatterns = [path("enqueue/", enqueue_view)]


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def captured():
    handler = Capture()
    logging.getLogger().addHandler(handler)
    yield handler
    logging.getLogger().removeHandler(handler)


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_a_plain_incoming_one_is_kept():
    client = Client()
    first, second = client.get("/healthz"), client.get("/healthz")
    assert first[REQUEST_ID_HEADER] != second[REQUEST_ID_HEADER]
    assert len(first[REQUEST_ID_HEADER]) == 32
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a9c21-0001")
    assert kept[REQUEST_ID_HEADER] == "edge-7f3a9c21-0001"


@pytest.mark.django_db
@pytest.mark.parametrize("hostile", ["abc\r\nSet-Cookie: x=1", "x" * 65, "short", '"quoted"', "a b c d e f g h"])
def test_a_hostile_or_malformed_incoming_id_is_replaced(hostile):
    response = Client().get("/healthz", HTTP_X_REQUEST_ID=hostile)
    assert response[REQUEST_ID_HEADER] != hostile and len(response[REQUEST_ID_HEADER]) == 32


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_the_request_id_is_in_the_requests_log_lines_and_follows_it_into_its_job(captured, broker, worker):
    seen_in_job.clear()
    response = Client().get("/enqueue/", HTTP_X_REQUEST_ID="req-1234567890")
    broker.join(remember_request_id.queue_name)
    worker.join()
    assert response[REQUEST_ID_HEADER] == "req-1234567890"
    assert seen_in_job == ["req-1234567890"]
    by_message = {line["message"]: line for line in captured.lines if line["logger"] == "tests.request_id"}
    assert by_message["view ran"]["request_id"] == "req-1234567890"
    assert by_message["job ran"]["request_id"] == "req-1234567890"


def test_a_log_line_outside_any_request_has_no_request_id(captured):
    log.info("outside")
    (line,) = [line for line in captured.lines if line["message"] == "outside"]
    assert "request_id" not in line
