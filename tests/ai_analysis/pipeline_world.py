"""An interview ready to be recorded: a hiring whose criteria match the scripted interview, a candidate who
consented, and the interviewer assigned; plus helpers to upload chunks through the API as a client does."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.core import mail
from rest_framework.test import APIClient

from ai_analysis import actors, pipeline
from ai_analysis.models import Analysis
from consent import services as consent_services
from hiring import services as hiring_services
from tests.hiring.factories import InterviewFactory

CRITERIA = [
    (
        "Teamwork",
        "Works with a team to plan the work and solve problems together.",
        "Describes how the team planned, agreed and finished the work.",
    ),
    (
        "Handling disagreement",
        "Handles disagreements about the design by comparing options and costs.",
        "Wrote down the options, compared the costs, agreed on a plan.",
    ),
    ("Mandarin fluency", "Speaks Mandarin at a professional level.", "Uses Mandarin with customers."),
]


@dataclass
class RecordingWorld:
    org: object
    hiring: object
    candidate: object
    interview: object
    client: APIClient


def build(org, *, consent: bool = True) -> RecordingWorld:
    recruiter = org.recruiter
    hiring = hiring_services.create_hiring(actor=recruiter, title="Billing engineer")
    for name, description, good in CRITERIA:
        hiring_services.add_criterion(
            actor=recruiter, hiring=hiring, name=name, description=description, good_evidence=good, weight=2
        )
    candidate = consent_services.add_candidate(
        actor=recruiter, hiring=hiring, name="Robin Example", email="robin@mail.test"
    )
    if consent:
        consent_services.accept(candidate.consent.raw_token)  # as the candidate does, with the link's token
    interview = InterviewFactory(candidate=candidate, interviewer=org.interviewer, organization=org.organization)
    client = APIClient()
    client.force_login(org.interviewer.user)
    mail.outbox.clear()
    return RecordingWorld(org=org, hiring=hiring, candidate=candidate, interview=interview, client=client)


def start(world: RecordingWorld) -> str:
    response = world.client.post("/api/v1/recordings/", {"interview": world.interview.public_id}, format="json")
    assert response.status_code in (200, 201), response.content
    return response.json()["id"]


def put_chunk(client: APIClient, recording_id: str, index: int, data: bytes, *, sha256: str | None = None):
    return client.put(
        f"/api/v1/recordings/{recording_id}/chunks/{index}/",
        data=data,
        content_type="application/octet-stream",
        HTTP_X_CHUNK_SHA256=sha256 if sha256 is not None else hashlib.sha256(data).hexdigest(),
    )


def upload(world: RecordingWorld, chunks: list[Path], order: list[int] | None = None) -> str:
    recording_id = start(world)
    for index in order if order is not None else range(len(chunks)):
        response = put_chunk(world.client, recording_id, index, chunks[index].read_bytes())
        assert response.status_code in (200, 201), response.content
    return recording_id


def complete(world: RecordingWorld, recording_id: str, count: int):
    return world.client.post(f"/api/v1/recordings/{recording_id}/complete/", {"chunk_count": count}, format="json")


def run_pipeline(analysis_id: str) -> Analysis:
    """Every step in order, in this process: what the workers do, without a broker in between."""
    for step in actors.STEP_ACTORS:
        if not pipeline.run_step(analysis_id, step):
            break
    return Analysis.objects.for_operators().get(public_id=analysis_id)
