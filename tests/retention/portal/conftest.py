"""The candidate's side of the rights portal: a candidate with every kind of data, and the links they hold."""

import re

import pytest
from django.core import mail
from django.utils import timezone

from ai_analysis.models import Feedback, Review, Score
from retention.portal import tokens
from tests.ai_analysis.factories import FeedbackFactory
from tests.retention.world import full_candidate


def portal_path(candidate, kind=tokens.AFTER_CONSENT) -> str:
    return f"/my-data/{tokens.issue(candidate, kind=kind).token}/"


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def words_of(response) -> str:
    """What the reader sees: the page without its tags."""
    return " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())


def approve_everything(candidate) -> None:
    """As a reviewer would: every score and the candidate's feedback approved (AI-3)."""
    now = timezone.now()
    Score.objects.for_operators().filter(analysis__interview__candidate=candidate).update(
        status=Review.APPROVED, reviewed_at=now
    )
    Feedback.objects.for_operators().filter(analysis__interview__candidate=candidate).update(
        status=Review.APPROVED, reviewed_at=now
    )


@pytest.fixture
def loaded(acme):
    """Ada: consented, with a CV, a chunked and merged recording, transcript, Q/A, a score with evidence, candidate
    feedback and a decision; plus the recruiting team's internal feedback draft and notes."""
    person = full_candidate(acme.recruiter, name="Ada Lovelace", email="ada@mail.test")
    candidate = person.candidate
    candidate.notes = "Internal: seemed nervous, ask Bob"
    candidate.save(update_fields=["notes"])
    analysis = Score.objects.for_operators().get(analysis__interview__candidate=candidate).analysis
    FeedbackFactory(analysis=analysis, audience=Feedback.Audience.RECRUITER, text="Recruiter-only: strong, hire?")
    mail.outbox.clear()
    return person
