"""Signed outbound webhooks (INT-1, SEC-HOOK outbound side, SEC-SSRF, AI-3), received by a real local HTTP server.

The signature is checked here with Python's ``hmac`` module, not with the product's code. Loopback is allowed only
by setting (``OUTBOUND_ALLOW_LOOPBACK``, as the outbound tests do) for the receiver on 127.0.0.1; the default stays
refusing, and the refusal tests run with it off.
"""

import hashlib
import hmac
import json
import socket
import time
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from ai_analysis import review
from ai_analysis.models import Review
from hiring import services as hiring_services
from hiring.models import Candidate
from integrations import services
from integrations.models import Delivery, DeliveryStatus, Event, WebhookEndpoint
from tests.ai_analysis.factories import AnalysisFactory, EvidenceFactory, ScoreFactory
from tests.consent.links import Invited, last_token_to
from tests.hiring.factories import InterviewFactory

FINAL = {DeliveryStatus.DELIVERED, DeliveryStatus.FAILED, DeliveryStatus.REFUSED}


def verify(secret: str, headers: dict, body: bytes) -> bool:
    """What a receiver does (docs/integrations.md), written independently of ``integrations.secrets``."""
    expected = hmac.new(secret.encode(), headers["x-timestamp"].encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["x-signature"])


@pytest.fixture
def loopback_allowed(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0.2
    settings.WEBHOOK_RETRY_MAX_SECONDS = 1.0


@pytest.fixture
def hook(ats, receiver, loopback_allowed):
    services.save_connector(
        actor=ats.org.admin, enabled=True, kind="greenhouse", allowed_hosts=["127.0.0.1"], api_key=ats.key
    )
    endpoint, secret = services.create_endpoint(actor=ats.org.admin, url=receiver.url, events=Event.values)
    return SimpleNamespace(endpoint=endpoint, secret=secret, receiver=receiver, ats=ats, admin=ats.org.admin)


def ats_candidate(ats, capture) -> Invited:
    ats.put("/api/v1/ats/hirings/JOB-1", {"title": "Backend engineer"})
    with capture(execute=True):
        body = ats.put("/api/v1/ats/candidates/cand-77", {"hiring": "JOB-1", "name": "Kim", "email": "kim@mail.test"})
    candidate = Candidate.objects.for_operators().get(public_id=body.json()["id"])
    return Invited(candidate=candidate, token=last_token_to("kim@mail.test"))


def deliveries(event=None):
    rows = Delivery.objects.for_operators().order_by("pk")
    return list(rows.filter(event=event) if event else rows)


def send_all():
    for delivery in deliveries():
        services.attempt_delivery(delivery.public_id)


# --- Events and their signature ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_consent_answered_is_signed_and_names_the_external_ids(hook, accept, django_capture_on_commit_callbacks):
    invited = ats_candidate(hook.ats, django_capture_on_commit_callbacks)
    assert deliveries() == []  # adding a candidate is not an event
    accept(invited)
    [delivery] = deliveries()
    assert delivery.event == "consent.answered" and delivery.status == DeliveryStatus.PENDING
    services.attempt_delivery(delivery.public_id)

    [(headers, body, status)] = hook.receiver.requests
    assert status == 200 and verify(hook.secret, headers, body)
    assert not verify(hook.secret, headers, body.replace(b"accepted", b"declined"))  # tampering shows
    assert headers["x-webhook-id"] == delivery.public_id and headers["x-webhook-event"] == "consent.answered"
    assert abs(int(headers["x-timestamp"]) - time.time()) < 60
    payload = json.loads(body)
    assert payload["id"] == delivery.public_id and payload["organization"] == hook.ats.org.organization.public_id
    data = payload["data"]
    assert data["candidate"] == {"id": invited.candidate.public_id, "external_id": "cand-77"}
    assert data["hiring"] == {"id": invited.candidate.hiring.public_id, "external_id": "JOB-1"}
    assert data["consent"]["status"] == "accepted" and data["consent"]["answered_at"]
    assert "kim@mail.test" not in body.decode() and "Kim" not in body.decode()  # ids, not personal data
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.DELIVERED, 1, 200)
    assert delivery.delivered_at is not None


@pytest.mark.django_db
def test_a_decision_is_sent_without_the_reason(hook, accept, django_capture_on_commit_callbacks):
    invited = ats_candidate(hook.ats, django_capture_on_commit_callbacks)
    hiring_services.record_decision(
        actor=hook.admin, candidate=invited.candidate, outcome="rejected", reason="Private remark about the person"
    )
    [delivery] = deliveries("decision.recorded")
    send_all()
    [(headers, body, _status)] = hook.receiver.requests
    assert verify(hook.secret, headers, body)
    decision = json.loads(body)["data"]["decision"]
    assert decision["outcome"] == "rejected" and decision["id"].startswith("dec_")
    assert b"Private remark" not in body


@pytest.mark.django_db
def test_an_endpoint_gets_only_the_events_it_chose(hook, accept, django_capture_on_commit_callbacks):
    hook.endpoint.events = ["decision.recorded"]
    hook.endpoint.save()
    invited = ats_candidate(hook.ats, django_capture_on_commit_callbacks)
    accept(invited)
    assert deliveries() == []


@pytest.mark.django_db
def test_nothing_is_written_or_sent_for_a_rolled_back_change(hook, django_capture_on_commit_callbacks):
    invited = ats_candidate(hook.ats, django_capture_on_commit_callbacks)
    with (
        pytest.raises(RuntimeError),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        transaction.atomic(),
    ):
        hiring_services.record_decision(actor=hook.admin, candidate=invited.candidate, outcome="hired", reason="ok")
        raise RuntimeError
    assert deliveries() == [] and callbacks == []


@pytest.mark.django_db
def test_a_switched_off_connector_sends_nothing(hook, django_capture_on_commit_callbacks):
    invited = ats_candidate(hook.ats, django_capture_on_commit_callbacks)
    services.save_connector(actor=hook.admin, enabled=False, kind="greenhouse", allowed_hosts=[], api_key=None)
    hiring_services.record_decision(actor=hook.admin, candidate=invited.candidate, outcome="hired", reason="ok")
    assert deliveries() == []


# --- AI-3: only what a person approved leaves -----------------------------------------------------------------------


@pytest.fixture
def analysis(hook, accept, django_capture_on_commit_callbacks):
    invited = ats_candidate(hook.ats, django_capture_on_commit_callbacks)
    accept(invited)
    Delivery.objects.for_operators().all().delete()  # the consent event; this story is about scores
    interview = InterviewFactory(candidate=invited.candidate, interviewer=hook.ats.org.interviewer)
    return AnalysisFactory(recording__interview=interview)


@pytest.mark.django_db
def test_no_unreviewed_score_ever_leaves(hook, analysis):
    first = ScoreFactory(analysis=analysis, value=4, rationale="Machine draft one")
    second = ScoreFactory(analysis=analysis, value=2, rationale="Machine draft two")
    third = ScoreFactory(analysis=analysis, value=5, rationale="Machine draft three")
    EvidenceFactory(score=first, quote="compared the costs")
    assert deliveries() == []  # drafts are never an event

    review.approve_score(actor=hook.admin, score=first)
    review.reject_score(actor=hook.admin, score=second)
    assert deliveries() == []  # the third is still a draft: nothing of this analysis leaves

    review.edit_score(actor=hook.admin, score=third, value=3, rationale="My own reading")
    [delivery] = deliveries("scores.approved")
    send_all()
    [(headers, body, _status)] = hook.receiver.requests
    assert verify(hook.secret, headers, body)
    data = json.loads(body)["data"]
    assert data["analysis"] == {"id": analysis.public_id}
    sent = {score["id"]: score for score in data["scores"]}
    assert set(sent) == {first.public_id, third.public_id}  # the rejected machine score is not sent
    assert sent[third.public_id]["value"] == 3 and sent[third.public_id]["edited_by_reviewer"] is True
    text = body.decode()
    assert "Machine draft" not in text and "compared the costs" not in text  # no rationale drafts, no quotes


@pytest.mark.django_db
def test_a_submitted_scorecard_is_sent_with_its_ratings_and_no_free_text(hook, analysis):
    """INT-1: the interviewer's own scorecard leaves once submitted — ratings per criterion, never the note; a draft
    never leaves."""
    from ai_analysis import scorecards

    interview = analysis.interview
    hiring = interview.candidate.hiring
    criterion = hiring_services.add_criterion(
        actor=hook.ats.org.recruiter, hiring=hiring, name="Teamwork", description="Works with others"
    )
    ratings = [{"criterion": criterion.public_id, "value": 4, "note": "Private note: reminded me of my cousin"}]
    card = scorecards.save_scorecard(actor=hook.ats.org.interviewer, interview=interview, ratings=ratings)
    assert deliveries("scorecard.submitted") == []  # a draft is nobody's judgement yet
    scorecards.submit_scorecard(actor=hook.ats.org.interviewer, scorecard=card)
    assert len(deliveries("scorecard.submitted")) == 1
    send_all()
    [(headers, body, _status)] = hook.receiver.requests
    assert verify(hook.secret, headers, body)
    data = json.loads(body)["data"]
    assert data["candidate"]["external_id"] == "cand-77"
    assert data["scorecard"]["id"] == card.public_id
    assert data["scorecard"]["interviewer"] == {"id": hook.ats.org.interviewer.public_id}
    assert data["scorecard"]["ratings"] == [{"criterion": {"id": criterion.public_id, "name": "Teamwork"}, "value": 4}]
    assert "cousin" not in body.decode()  # the note is free text a person wrote: it never leaves


@pytest.mark.django_db
def test_scores_sent_back_to_draft_send_nothing_until_reviewed_again(hook, analysis):
    score = ScoreFactory(analysis=analysis)
    evidence = EvidenceFactory(score=score)
    review.approve_score(actor=hook.admin, score=score)
    assert len(deliveries("scores.approved")) == 1
    # A person relabels the quoted turn as the interviewer's: the score goes back to draft for a second look.
    review.correct_speaker(actor=hook.admin, turn=evidence.turn, speaker="interviewer")
    score.refresh_from_db()
    assert score.status == Review.DRAFT
    assert len(deliveries("scores.approved")) == 1
    review.edit_score(actor=hook.admin, score=score, value=2, rationale="Re-read without that turn")
    latest = deliveries("scores.approved")[-1]
    assert len(deliveries("scores.approved")) == 2
    assert latest.payload["data"]["scores"][0]["value"] == 2


def test_the_payload_builder_refuses_an_analysis_with_drafts(db, hook, analysis):
    from integrations import events

    ScoreFactory(analysis=analysis)
    with pytest.raises(events.NotReviewed):
        events.scores_approved(analysis)


# --- Retries with a real worker ------------------------------------------------------------------------------------


def wait_until_final(delivery_public_id: str, timeout: float = 60.0) -> Delivery:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        delivery = Delivery.objects.for_operators().get(public_id=delivery_public_id)
        if delivery.status in FINAL:
            return delivery
        time.sleep(0.1)
    raise AssertionError(f"delivery still {delivery.status} after {timeout}s")


@pytest.mark.django_db(transaction=True)
def test_a_receiver_failing_twice_gets_exactly_one_accepted_delivery(hook, broker, worker, accept):
    ats = hook.ats
    ats.put("/api/v1/ats/hirings/JOB-1", {"title": "Backend engineer"})
    created = ats.put("/api/v1/ats/candidates/cand-77", {"hiring": "JOB-1", "name": "Kim", "email": "kim@mail.test"})
    candidate = Candidate.objects.for_operators().get(public_id=created.json()["id"])
    hook.receiver.answers = [500, 503]

    hiring_services.record_decision(actor=hook.admin, candidate=candidate, outcome="hired", reason="Strong")
    [queued] = deliveries("decision.recorded")
    delivery = wait_until_final(queued.public_id)
    broker.join("default", timeout=30_000)
    worker.join()

    assert delivery.status == DeliveryStatus.DELIVERED
    assert [attempt["status_code"] for attempt in delivery.attempt_log] == [500, 503, 200]
    assert delivery.attempts == 3 and delivery.next_retry_at is None
    assert len(hook.receiver.accepted()) == 1 and len(hook.receiver.requests) == 3
    ids = {headers["x-webhook-id"] for headers, _body, _status in hook.receiver.requests}
    bodies = {body for _headers, body, _status in hook.receiver.requests}
    assert ids == {delivery.public_id} and len(bodies) == 1  # the same event each time; receivers deduplicate
    assert all(verify(hook.secret, headers, body) for headers, body, _status in hook.receiver.requests)


@pytest.mark.django_db
def test_a_receiver_that_keeps_failing_is_given_up_after_the_last_attempt(hook, settings, accept):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    hook.receiver.answers = [500] * 10
    decision_target = _candidate(hook)
    hiring_services.record_decision(actor=hook.admin, candidate=decision_target, outcome="hired", reason="ok")
    [delivery] = deliveries()
    delays = [services.attempt_delivery(delivery.public_id) for _ in range(4)]
    assert delays[0] == pytest.approx(0.2) and delays[1] == pytest.approx(0.4)  # exponential backoff
    assert delays[2] is None and delays[3] is None  # given up; a fourth run does nothing (idempotent)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, len(hook.receiver.requests)) == (DeliveryStatus.FAILED, 3, 3)


def _candidate(hook):
    hook.ats.put("/api/v1/ats/hirings/JOB-1", {"title": "Backend engineer"})
    body = hook.ats.put("/api/v1/ats/candidates/c-1", {"hiring": "JOB-1", "name": "Kim", "email": "kim@mail.test"})
    return Candidate.objects.for_operators().get(public_id=body.json()["id"])


# --- SEC-SSRF: refused when saved and when sent --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:8000/hooks", "loopback"),
        ("https://localhost/hooks", "loopback"),  # a name that resolves to 127.0.0.1
        ("https://[::1]/hooks", "loopback"),
        ("https://169.254.169.254/latest/meta-data/", "metadata"),
        ("https://10.0.0.5/hooks", "private"),
        ("https://192.168.1.10/hooks", "private"),
        ("https://evil.example.net/hooks", "not an allowed webhook host"),
        ("ftp://127.0.0.1/hooks", "https"),
        ("https://user:pw@hooks.ats.example/x", "password"),
    ],
)
def test_internal_targets_are_refused_when_saved(ats, settings, url, reason):
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1", "localhost", "::1", "169.254.169.254", "10.0.0.5", "192.168.1.10"]
    with pytest.raises(ValidationError) as refused:
        services.create_endpoint(actor=ats.org.admin, url=url, events=["decision.recorded"])
    assert reason in str(refused.value)
    assert not WebhookEndpoint.objects.for_operators().exists()


@pytest.mark.django_db
def test_plain_http_is_refused_for_a_public_host(ats, monkeypatch):
    _resolve(monkeypatch, {"hooks.ats.example": ["93.184.216.34"]})
    with pytest.raises(ValidationError, match="https"):
        services.create_endpoint(actor=ats.org.admin, url="http://hooks.ats.example/x", events=["decision.recorded"])
    endpoint, _secret = services.create_endpoint(
        actor=ats.org.admin, url="https://hooks.ats.example/x", events=["decision.recorded"]
    )
    assert endpoint.url == "https://hooks.ats.example/x"


def _resolve(monkeypatch, answers: dict, *, then: dict | None = None):
    """DNS for test names: ``answers`` for the first lookup of a name, ``then`` for every later one."""
    real = socket.getaddrinfo
    seen: dict[str, int] = {}

    def fake(host, port, *args, **kwargs):
        if host not in answers:
            return real(host, port, *args, **kwargs)
        seen[host] = seen.get(host, 0) + 1
        addresses = answers[host] if seen[host] == 1 or then is None else then[host]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in addresses]

    monkeypatch.setattr(socket, "getaddrinfo", fake)


@pytest.mark.django_db
def test_dns_rebinding_to_loopback_is_refused_when_sent(ats, receiver, settings, monkeypatch):
    """The name resolved to a public address when saved; at send time it answers 127.0.0.1: refused, nothing sent."""
    settings.OUTBOUND_ALLOW_LOOPBACK = False
    services.save_connector(
        actor=ats.org.admin, enabled=True, kind="greenhouse", allowed_hosts=["hooks.rebind.test"], api_key=ats.key
    )
    _resolve(monkeypatch, {"hooks.rebind.test": ["93.184.216.34"]}, then={"hooks.rebind.test": ["127.0.0.1"]})
    services.create_endpoint(
        actor=ats.org.admin, url=f"https://hooks.rebind.test:{receiver.port}/hooks", events=["decision.recorded"]
    )
    candidate = _candidate(SimpleNamespace(ats=ats))
    hiring_services.record_decision(actor=ats.org.admin, candidate=candidate, outcome="hired", reason="ok")
    [delivery] = deliveries()
    assert services.attempt_delivery(delivery.public_id) is None  # refused is final: no retry
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.REFUSED and "loopback" in delivery.attempt_log[-1]["error"]
    assert receiver.requests == []


# --- Replay ---------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_admin_replays_a_delivery_with_the_same_id_and_body(hook, client, django_capture_on_commit_callbacks):
    candidate = _candidate(hook)
    hiring_services.record_decision(actor=hook.admin, candidate=candidate, outcome="hired", reason="ok")
    [delivery] = deliveries()
    send_all()
    client.force_login(hook.admin.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/settings/integrations/deliveries/{delivery.public_id}/replay")
    assert response.status_code == 302 and len(callbacks) == 1  # the actor is enqueued after commit
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    send_all()
    first, second = hook.receiver.requests
    assert first[0]["x-webhook-id"] == second[0]["x-webhook-id"] and first[1] == second[1]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(delivery.attempt_log) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_only_admins_replay(hook, client, role):
    candidate = _candidate(hook)
    hiring_services.record_decision(actor=hook.admin, candidate=candidate, outcome="hired", reason="ok")
    [delivery] = deliveries()
    send_all()
    client.force_login(hook.ats.org.member(role).user)
    assert client.post(f"/settings/integrations/deliveries/{delivery.public_id}/replay").status_code == 403
    assert client.post(f"/api/v1/integrations/deliveries/{delivery.public_id}/replay/").status_code == 403
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(hook.receiver.requests) == 1


@pytest.mark.django_db
def test_the_delivery_log_api_shows_attempts_and_replays(hook, client):
    candidate = _candidate(hook)
    hiring_services.record_decision(actor=hook.admin, candidate=candidate, outcome="hired", reason="ok")
    send_all()
    client.force_login(hook.admin.user)
    listed = client.get("/api/v1/integrations/deliveries/").json()
    [row] = listed["results"]
    assert row["status"] == "delivered" and row["last_status_code"] == 200 and row["attempts"] == 1
    assert row["body"]["data"]["candidate"]["external_id"] == "c-1"
    replayed = client.post(f"/api/v1/integrations/deliveries/{row['id']}/replay/")
    assert replayed.status_code == 202 and replayed.json()["status"] == "pending"


@pytest.mark.django_db
def test_a_delivery_held_by_a_worker_that_died_is_taken_over(hook, django_capture_on_commit_callbacks):
    """Safe to run twice: a second message waits while another worker sends; a claim left by a dead worker goes
    stale and the next message sends it, once."""
    from datetime import timedelta

    from django.utils import timezone

    candidate = _candidate(hook)
    hiring_services.record_decision(actor=hook.admin, candidate=candidate, outcome="hired", reason="ok")
    [delivery] = deliveries()
    Delivery.objects.for_operators().filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENDING, claimed_at=timezone.now()
    )
    assert services.attempt_delivery(delivery.public_id) == services.STALE_CLAIM.total_seconds()
    assert hook.receiver.requests == []
    Delivery.objects.for_operators().filter(pk=delivery.pk).update(
        claimed_at=timezone.now() - services.STALE_CLAIM - timedelta(seconds=1)
    )
    assert services.attempt_delivery(delivery.public_id) is None
    assert services.attempt_delivery(delivery.public_id) is None  # delivered: a repeat does nothing
    assert len(hook.receiver.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED
