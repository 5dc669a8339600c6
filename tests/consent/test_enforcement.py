"""CON-4 and CON-5 at every processing entry point, enumerated rather than listed by hand.

* Every write route of the recording and analysis API (enumerated from the URL configuration: every route whose
  view lives in ``ai_analysis.api``, every method it accepts that is not a read or a delete) answers 403
  ``consent_required``
  and stores nothing, for a candidate whose consent is pending, declined, expired, withdrawn, or was never asked.
* Every pipeline actor (enumerated from ``ai_analysis.actors``, and checked to be the module's complete set of
  actors) stops without consent: the step and the analysis are marked stopped, nothing is produced, nothing further
  is enqueued. A job queued before a withdrawal, run by a real worker afterwards, stops too.
"""

import hashlib
import re
from datetime import timedelta

import dramatiq
import pytest
from django.test import Client
from django.utils import timezone

from ai_analysis import actors
from ai_analysis.models import (
    AICall,
    Analysis,
    AnalysisStep,
    Evidence,
    Feedback,
    QuestionAnswer,
    Recording,
    RecordingChunk,
    Score,
    TranscriptTurn,
)
from consent import services
from consent.models import ConsentLink
from hiring import services as hiring_services
from tests.ai_analysis.factories import AnalysisFactory, EvidenceFactory, FeedbackFactory, RecordingFactory
from tests.hiring.factories import CandidateFactory, InterviewFactory
from tests.security.urls_under_test import all_endpoints

pytestmark = pytest.mark.django_db

STATES = ["pending", "declined", "expired", "withdrawn", "never asked"]
# Deleting is not processing: removing a recording or an analysis never needs consent (it is what a withdrawal
# asks for), so DELETE is not among the methods refused here.
WRITE_METHODS = {"post", "put", "patch"}


def candidate_in_state(org, invite, accept, state):
    hiring = hiring_services.create_hiring(actor=org.recruiter, title=f"Role for {state}")
    if state == "never asked":
        # No service creates a candidate without a request (CON-1); a row from before consent existed still must
        # be refused, so the factory writes one directly.
        return CandidateFactory(hiring=hiring, name="Nia Never", email="nia@m.test")
    invited = invite(org.recruiter, hiring)
    if state == "declined":
        services.decline(invited.token)
    elif state == "expired":
        ConsentLink.objects.for_operators().filter(request__candidate=invited.candidate).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    elif state == "withdrawn":
        services.withdraw(accept(invited))  # accepted, then withdrawn through the emailed portal link
    return invited.candidate


def analysis_world(org, candidate):
    """A recording still receiving (one chunk stored) and an analysis with a turn, a score with evidence, feedback."""
    interview = InterviewFactory(candidate=candidate, interviewer=org.interviewer, organization=org.organization)
    receiving = RecordingFactory(interview=interview, status=Recording.Status.RECEIVING, chunk_count=0)
    evidence = EvidenceFactory(score__analysis=AnalysisFactory(recording=receiving))
    feedback = FeedbackFactory(analysis=evidence.score.analysis)
    return {
        "recording": receiving,
        "analysis": evidence.score.analysis,
        "score": evidence.score,
        "turn": evidence.turn,
        "feedback": feedback,
    }


# Routes of ai_analysis.api that are not recording, transcription or analysis (CON-4), each with its reason.
NOT_PROCESSING = {
    "api-scorecard-list": "an interviewer's own scorecard is a person's judgement of the interview, written with or "
    "without a recording; its quotes can only come from an analysis, which itself needs consent",
    "api-scorecard-submit": "submitting that scorecard (same reason)",
}
AI_WRITES = [
    (endpoint, method)
    for endpoint in all_endpoints()
    if getattr(getattr(endpoint.view, "cls", None), "__module__", "") == "ai_analysis.api"
    and endpoint.name not in NOT_PROCESSING
    for method in sorted(set(getattr(endpoint.view, "actions", {}) or {}) & WRITE_METHODS)
]


def test_every_exemption_still_names_a_route():
    names = {endpoint.name for endpoint in all_endpoints()}
    assert set(NOT_PROCESSING) <= names


def test_the_enumeration_finds_the_processing_entry_points():
    labels = {(e.name, m) for e, m in AI_WRITES}
    assert ("api-recording-list", "post") in labels
    assert ("api-recording-chunk", "put") in labels
    assert ("api-recording-complete", "post") in labels
    assert len(AI_WRITES) >= 8


def snapshot():
    models = (Recording, RecordingChunk, Analysis, AnalysisStep, TranscriptTurn, QuestionAnswer, Score, Evidence)
    return [list(model.objects.for_operators().order_by("pk").values()) for model in (*models, Feedback)]


def concrete_path(endpoint, objects) -> str:
    model = endpoint.view.cls.model
    obj = {
        "Recording": objects["recording"],
        "Analysis": objects["analysis"],
        "Score": objects["score"],
        "TranscriptTurn": objects["turn"],
        "Feedback": objects["feedback"],
    }[model.__name__]
    route = "/" + endpoint.route.lstrip("/")
    route = re.sub(r"<pid:public_id>", obj.public_id, route)
    return re.sub(r"<int:index>", "1", route)


BODIES = {
    "api-recording-list": lambda o: {"interview": o["recording"].interview.public_id},
    "api-recording-complete": lambda o: {"chunk_count": 1},
    "api-score-detail": lambda o: {"value": 4, "rationale": "A person's view."},
    "api-turn-detail": lambda o: {"speaker": "interviewer"},
    "api-feedback-approve": lambda o: {"text": "Thank you."},
}


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize(("endpoint", "method"), AI_WRITES, ids=[f"{e.name}:{m}" for e, m in AI_WRITES])
def test_every_processing_entry_point_refuses_without_consent(acme, invite, accept, state, endpoint, method):
    candidate = candidate_in_state(acme, invite, accept, state)
    objects = analysis_world(acme, candidate)
    client = Client()
    client.force_login(acme.recruiter.user)  # sees everything in the organization and may record and review
    before = snapshot()
    path = concrete_path(endpoint, objects)
    if endpoint.name == "api-recording-chunk":
        data = b"OggS" + b"\0" * 60
        response = client.put(
            path, data, content_type="application/octet-stream", HTTP_X_CHUNK_SHA256=hashlib.sha256(data).hexdigest()
        )
    else:
        body = BODIES.get(endpoint.name, lambda o: {})(objects)
        response = getattr(client, method)(path, body, content_type="application/json")
    assert response.status_code == 403, (path, method, response.status_code, response.content)
    assert response.json()["code"] == "consent_required" or "consent" in response.json()["detail"].lower()
    assert snapshot() == before


def declared_actors():
    return {value for value in vars(actors).values() if isinstance(value, dramatiq.Actor)}


def test_the_pipeline_actors_are_exactly_the_step_actors():
    """A new actor in ai_analysis.actors must be a step actor, so the test below covers it."""
    assert declared_actors() == set(actors.STEP_ACTORS.values())


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("step", list(actors.STEP_ACTORS), ids=str)
def test_every_actor_stops_without_consent(acme, invite, accept, monkeypatch, state, step):
    candidate = candidate_in_state(acme, invite, accept, state)
    analysis = analysis_world(acme, candidate)["analysis"]
    Score.objects.for_operators().filter(analysis=analysis).delete()
    TranscriptTurn.objects.for_operators().filter(analysis=analysis).delete()
    Feedback.objects.for_operators().filter(analysis=analysis).delete()
    before = snapshot()[5:]  # the results: turns, pairs, scores, evidence, feedback
    enqueued = []
    monkeypatch.setattr(dramatiq.Actor, "send", lambda actor, *args, **kwargs: enqueued.append(actor.actor_name))
    actors.STEP_ACTORS[step].fn(analysis.public_id)
    analysis.refresh_from_db()
    assert analysis.status == Analysis.Status.STOPPED
    assert analysis.steps.get(name=step).status == AnalysisStep.Status.STOPPED
    assert snapshot()[5:] == before
    assert enqueued == []  # the chain ends here
    assert not AICall.objects.for_operators().exists()  # no provider was called


@pytest.mark.django_db(transaction=True)
def test_a_job_queued_before_the_withdrawal_stops_on_the_worker(acme, invite, accept, broker):
    invited = invite(acme.recruiter)
    portal = accept(invited)
    analysis = analysis_world(acme, invited.candidate)["analysis"]
    # Queued while consent was given, due in two seconds (so no worker, even one left running, takes it early)…
    actors.merge_recording.send_with_options(args=(analysis.public_id,), delay=2_000)
    services.withdraw(portal)  # …and withdrawn before any worker took it
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        broker.join("analysis", timeout=20_000)
        worker.join()
    finally:
        worker.stop(timeout=10_000)
    # A withdrawal erases the candidate at once (CON-5, RET-4): the job that comes afterwards finds nothing to work
    # on, produces nothing and brings nothing back.
    assert not Analysis.objects.for_operators().filter(pk=analysis.pk).exists()
    assert not Recording.objects.for_operators().filter(pk=analysis.recording_id).exists()
    assert not AnalysisStep.objects.for_operators().filter(analysis_id=analysis.pk).exists()
    assert not AICall.objects.for_operators().exists()
