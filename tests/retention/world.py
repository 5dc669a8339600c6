"""A candidate with every kind of data the product holds about a person, built through the real services where
they exist (consent, documents, recordings, decisions) and the analysis factories for the AI results."""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from ai_analysis import recordings
from ai_analysis.models import QuestionAnswer, Recording, Scorecard, ScorecardRating
from consent import services as consent_services
from hiring import services as hiring_services
from hiring.models import Candidate
from retention import emails as retention_emails
from retention import services as retention_services
from tests.ai_analysis.factories import EvidenceFactory, FeedbackFactory, ScoreFactory, TurnFactory
from tests.fairness.factories import self_identification_rows_for
from tests.hiring.factories import CriterionFactory, HiringFactory, InterviewFactory
from tests.integrations.factories import ats_rows_for

AUDIO = b"RIFF-fake-audio-" * 64


@dataclass
class Person:
    """What must be gone after erasure: the words that identify them, and the candidate row."""

    candidate: Candidate
    name: str
    email: str
    answer: str
    cv_text: str
    portal_token: str = ""

    @property
    def secrets(self) -> list[str]:
        return [self.name, self.email, self.answer, self.cv_text]


def full_candidate(actor, *, name: str, email: str, hiring=None, decided: bool = True) -> Person:
    """A consenting candidate with a CV, an interview with a chunked and merged recording, a transcript, a
    question/answer pair, a score with evidence, feedback and (by default) a decision, a retention period of their
    own and an expiry warning with its extension link: a row of every kind the product holds about a person."""
    tag = hashlib.sha256(email.encode()).hexdigest()[:8]
    answer = f"At Zebracorp{tag} I migrated the ledger to event sourcing"
    cv_text = f"Curriculum vitae of {name}: Quokka{tag} University"
    hiring = hiring or HiringFactory(owner=actor, organization=actor.organization)
    if not hiring.criteria.exists():
        CriterionFactory(hiring=hiring, name="System design")
    with transaction.atomic():
        candidate = consent_services.add_candidate(actor=actor, hiring=hiring, name=name, email=email)
    _consent, portal_token = consent_services.accept(candidate.consent.raw_token)
    hiring_services.upload_document(
        actor=actor,
        candidate=candidate,
        uploaded=SimpleUploadedFile("cv.txt", cv_text.encode(), content_type="text/plain"),
    )
    interview = InterviewFactory(candidate=candidate, organization=candidate.organization, interviewer=actor)
    recording, _ = recordings.start_recording(actor=actor, interview=interview)
    recordings.put_chunk(
        actor=actor, recording=recording, index=0, data=AUDIO, sha256=hashlib.sha256(AUDIO).hexdigest()
    )
    analysis = recordings.complete(actor=actor, recording=recording, chunk_count=1)
    recording = Recording.objects.for_operators().get(pk=recording.pk)
    recording.merged_format = "wav"
    recording.merged.save("merged.wav", ContentFile(AUDIO), save=False)
    recording.merged_bytes = len(AUDIO)
    recording.save(update_fields=["merged", "merged_format", "merged_bytes"])
    question = TurnFactory(analysis=analysis, speaker="interviewer", text="Tell me about a migration.")
    turn = TurnFactory(analysis=analysis, text=answer)
    QuestionAnswer.objects.create(
        organization=analysis.organization,
        analysis=analysis,
        index=0,
        question_turn=question.index,
        answer_turns=[turn.index],
    )
    score = ScoreFactory(analysis=analysis, criterion=hiring.criteria.first(), rationale=f"Quote: {answer}")
    EvidenceFactory(score=score, turn=turn, quote=answer)
    FeedbackFactory(analysis=analysis, text=f"Thank you {name}, your answer about Zebracorp{tag} was clear.")
    scorecard = Scorecard.objects.create(  # an interviewer's scorecard quoting the candidate (issue 14)
        organization=analysis.organization, interview=interview, author=actor, analysis=analysis
    )
    ScorecardRating.objects.create(
        organization=analysis.organization,
        scorecard=scorecard,
        criterion=hiring.criteria.first(),
        criterion_name=hiring.criteria.first().name,
        value=4,
        note=f"{name} explained it well.",
        quotes=[{"turn": turn.public_id, "quote": answer, "start_s": turn.start_s, "end_s": turn.end_s}],
    )
    if decided:
        hiring_services.record_decision(actor=actor, candidate=candidate, outcome="rejected", reason="Another fit")
        clock = retention_services.set_candidate_period(actor=actor, candidate=candidate, days=400)
        retention_emails.send_expiry_warning(clock)
    ats_rows_for(candidate, external_id=f"ats-{tag}")  # the ATS's id for them and a webhook delivery naming them
    self_identification_rows_for(candidate)  # their separate self-identification consent and an answer (FAIR-1)
    candidate.refresh_from_db()
    return Person(
        candidate=candidate, name=name, email=email, answer=answer, cv_text=cv_text, portal_token=portal_token
    )
