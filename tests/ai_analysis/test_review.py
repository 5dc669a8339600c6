"""Human review (AI-3) and speaker correction: who may review, what is recorded, and how a corrected speaker label
re-checks the evidence of the scores that quoted it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ai_analysis import review
from ai_analysis.models import Evidence, Review, Score
from consent.models import ConsentRequest
from tests.ai_analysis.factories import AnalysisFactory, EvidenceFactory, FeedbackFactory, ScoreFactory, TurnFactory
from tests.hiring.factories import HiringFactory, InterviewFactory

pytestmark = pytest.mark.django_db


def test_approving_records_who_and_when(acme, analysis):
    score = ScoreFactory(analysis=analysis)
    approved = review.approve_score(actor=acme.recruiter, score=score)
    assert approved.status == Review.APPROVED and approved.reviewed_by == acme.recruiter
    assert approved.reviewed_at is not None and not approved.edited


def test_an_edit_is_a_persons_score_and_keeps_the_machines_draft(acme, analysis):
    score = ScoreFactory(analysis=analysis, value=2, rationale="Machine.")
    edited = review.edit_score(actor=acme.recruiter, score=score, value=4, rationale="Clear trade-offs in answer 2.")
    assert (edited.value, edited.rationale, edited.edited, edited.status) == (
        4,
        "Clear trade-offs in answer 2.",
        True,
        Review.APPROVED,
    )
    assert (edited.machine_value, edited.machine_rationale) == (2, "Machine.")


@pytest.mark.parametrize(("value", "rationale"), [(7, "x"), (0, "x"), (3, ""), (3, "   "), (3, "x" * 5001)])
def test_bad_edits_change_nothing(acme, analysis, value, rationale):
    score = ScoreFactory(analysis=analysis, value=2)
    with pytest.raises(ValidationError):
        review.edit_score(actor=acme.recruiter, score=score, value=value, rationale=rationale)
    score.refresh_from_db()
    assert (score.value, score.status) == (2, Review.DRAFT)


def test_interviewers_and_outsiders_cannot_review(acme, globex, analysis):
    score = ScoreFactory(analysis=analysis)
    for member in (acme.interviewer, acme.hiring_manager, globex.admin):
        with pytest.raises(PermissionDenied):
            review.approve_score(actor=member, score=score)
    score.refresh_from_db()
    assert score.status == Review.DRAFT


def test_relabelling_a_quoted_turn_as_the_interviewers_removes_its_evidence_and_reopens_the_score(acme, analysis):
    evidence = EvidenceFactory(score__analysis=analysis, turn__analysis=analysis)
    other_turn = TurnFactory(analysis=analysis)
    kept = EvidenceFactory(score=evidence.score, turn=other_turn)
    score = review.approve_score(actor=acme.recruiter, score=evidence.score)
    affected = review.correct_speaker(actor=acme.recruiter, turn=evidence.turn, speaker="interviewer")
    assert [s.pk for s in affected] == [score.pk]
    score.refresh_from_db()
    assert score.status == Review.DRAFT and score.needs_recheck and score.reviewed_by is None
    assert list(Evidence.objects.for_operators().filter(score=score)) == [kept]
    assert score.value is not None  # evidence remains, so the score stands for a person to re-check
    evidence.turn.refresh_from_db()
    assert (evidence.turn.speaker, evidence.turn.machine_speaker) == ("interviewer", "candidate")
    assert evidence.turn.corrected_by == acme.recruiter


def test_a_score_left_without_evidence_loses_its_value(acme, analysis):
    evidence = EvidenceFactory(score__analysis=analysis, turn__analysis=analysis)
    review.correct_speaker(actor=acme.recruiter, turn=evidence.turn, speaker="interviewer")
    score = Score.objects.for_operators().get(pk=evidence.score.pk)
    assert score.value is None and "insufficient evidence" in score.rationale


def test_relabelling_as_the_candidate_touches_no_score(acme, analysis):
    turn = TurnFactory(analysis=analysis, speaker="interviewer")
    score = ScoreFactory(analysis=analysis)
    review.approve_score(actor=acme.recruiter, score=score)
    assert review.correct_speaker(actor=acme.recruiter, turn=turn, speaker="candidate") == []
    score.refresh_from_db()
    assert score.status == Review.APPROVED


def test_an_unknown_speaker_is_refused(acme, analysis):
    turn = TurnFactory(analysis=analysis)
    with pytest.raises(ValidationError):
        review.correct_speaker(actor=acme.recruiter, turn=turn, speaker="narrator")
    turn.refresh_from_db()
    assert turn.speaker == "candidate"


def test_edited_candidate_feedback_passes_the_guardrail_again(acme, analysis):
    feedback = FeedbackFactory(analysis=analysis)
    with pytest.raises(ValidationError):
        review.approve_feedback(actor=acme.recruiter, feedback=feedback, text="Honestly I felt he was lazy.")
    feedback.refresh_from_db()
    assert feedback.status == Review.DRAFT
    approved = review.approve_feedback(
        actor=acme.recruiter, feedback=feedback, text="Thank you. System design was a strength."
    )
    assert approved.status == Review.APPROVED and approved.edited


def test_no_review_after_the_candidate_withdrew(acme, analysis):
    score = ScoreFactory(analysis=analysis)
    ConsentRequest.objects.for_operators().update(status="withdrawn", withdrawn_at=score.analysis.created_at)
    from consent.services import ConsentRequired

    with pytest.raises(ConsentRequired):
        review.approve_score(actor=acme.recruiter, score=score)


def test_finished_steps_are_never_rerun_so_approved_results_stay(acme, analysis, settings):
    """A redelivered message or a changed provider setting never rewrites what a person approved."""
    from ai_analysis import pipeline

    score = review.approve_score(actor=acme.recruiter, score=ScoreFactory(analysis=analysis))
    analysis.steps.update(status="done")
    settings.AI_PROVIDER = "openai"
    assert pipeline.run_step(analysis.public_id, "score")
    score.refresh_from_db()
    assert score.status == Review.APPROVED


def test_a_hiring_manager_reviews_their_own_hirings(acme, invite, accept):
    hiring = HiringFactory(owner=acme.hiring_manager, organization=acme.organization)
    invited = invite(acme.hiring_manager, hiring)
    accept(invited)
    analysis = AnalysisFactory(recording__interview=InterviewFactory(candidate=invited.candidate))
    score = review.approve_score(actor=acme.hiring_manager, score=ScoreFactory(analysis=analysis))
    assert score.status == Review.APPROVED
