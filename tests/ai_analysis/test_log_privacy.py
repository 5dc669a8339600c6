"""Log lines and audit rows never carry personal data (OPS-1, issue 17): a whole journey — a recruiter adds a
candidate on the page, the candidate consents on their page, the interview is uploaded and analysed, a reviewer
approves a score — is run with every logger at INFO captured as the JSON lines production writes; the candidate's
name, email and spoken answers appear in none of them, nor in any audit row (accounts' audit trail, consent events,
AI call records, job step records)."""

import json
import logging
import re

import pytest
from django.apps import apps
from django.core import mail
from django.test import Client

from ai_analysis import review
from ai_analysis.models import Score
from consent.models import ConsentRequest
from hiring import services as hiring_services
from hiring.models import Candidate
from interview_analyzer.logging import JsonFormatter
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.conftest import SCRIPT
from tests.hiring.factories import InterviewFactory

pytestmark = pytest.mark.django_db

NAME = "Philippa Quarrington-Vale"
EMAIL = "philippa.qv@private-mail.test"
# Six words from the middle of each of the candidate's answers: the answers themselves must not be logged.
ANSWER_PHRASES = [
    re.sub(r"[^a-z ]", "", text.lower()).split()[3:9] for speaker, _voice, text in SCRIPT if speaker == "candidate"
]
AUDIT_MODEL_NAMES = {"auditevent", "consentevent", "aicall", "steprecord", "deletionrecord", "accessentry"}


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.INFO)
        self.setFormatter(JsonFormatter())
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


@pytest.fixture
def captured():
    handler = Capture()
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield handler
    root.removeHandler(handler)
    root.setLevel(previous)


def personal_data_in(text: str) -> list[str]:
    lowered = text.lower()
    found = [needle for needle in (NAME.lower(), "quarrington", EMAIL, "philippa.qv") if needle in lowered]
    words = re.sub(r"[^a-z ]", " ", lowered)
    words = " ".join(words.split())
    found += [" ".join(phrase) for phrase in ANSWER_PHRASES if " ".join(phrase) in words]
    return found


def test_a_whole_journey_leaves_no_personal_data_in_logs_or_audit_rows(
    acme, captured, spoken_interview, django_capture_on_commit_callbacks
):
    recruiter = Client()
    recruiter.force_login(acme.recruiter.user)
    hiring = hiring_services.create_hiring(actor=acme.recruiter, title="Billing engineer")
    for name, description, good in pw.CRITERIA:
        hiring_services.add_criterion(
            actor=acme.recruiter, hiring=hiring, name=name, description=description, good_evidence=good, weight=2
        )

    # The recruiter adds the candidate on the page; the consent email goes out after commit.
    with django_capture_on_commit_callbacks(execute=True):
        added = recruiter.post(f"/hirings/{hiring.public_id}/candidates/new", {"name": NAME, "email": EMAIL})
    assert added.status_code == 302, added.content
    candidate = Candidate.objects.for_operators().get(email=EMAIL)
    (message,) = [m for m in mail.outbox if EMAIL in m.to]
    token = re.search(r"/consent/([0-9A-Za-z]+)/", message.body).group(1)

    # The candidate consents on their own page.
    page = Client()
    assert page.get(f"/consent/{token}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        page.post(f"/consent/{token}/", {"action": "accept"})
    assert ConsentRequest.objects.for_operators().get(candidate=candidate).status == "accepted"

    # The interview is recorded, uploaded in chunks and analysed.
    interview = InterviewFactory(candidate=candidate, interviewer=acme.interviewer, organization=acme.organization)
    uploader = pw.APIClient()
    uploader.force_login(acme.interviewer.user)
    world = pw.RecordingWorld(org=acme, hiring=hiring, candidate=candidate, interview=interview, client=uploader)
    recording_id = pw.upload(world, list(spoken_interview.fragments))
    analysis = pw.run_pipeline(pw.complete(world, recording_id, len(spoken_interview.fragments)).json()["id"])
    assert analysis.status == analysis.Status.DONE, analysis.failure_reason

    # A reviewer approves a score.
    score = Score.objects.for_operators().filter(analysis=analysis).exclude(value=None).first()
    review.approve_score(actor=acme.recruiter, score=score)

    assert captured.lines, "the journey logged nothing: the capture is not working"
    leaks = {line: personal_data_in(line) for line in captured.lines if personal_data_in(line)}
    assert leaks == {}, json.dumps(leaks, indent=1)[:3000]

    audit_models = [m for m in apps.get_models() if m._meta.model_name in AUDIT_MODEL_NAMES]
    assert {m._meta.model_name for m in audit_models} >= {"auditevent", "consentevent", "aicall"}
    for model in audit_models:
        for row in model._default_manager.for_operators().all().values():
            flat = json.dumps(row, default=str)
            assert personal_data_in(flat) == [], (model.__name__, personal_data_in(flat), flat[:500])
