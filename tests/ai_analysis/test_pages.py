"""The recording and review pages (CON-4, AI-3, AI-4, RET-7): the recorder, the analysis page with its review forms,
the live progress fragment and the explanation, through Django's test client as a browser would use them.

Every refusal also proves nothing changed: bad input answers 400 with a form error, a role below the reviewer 403,
another organization 404, and the rows are exactly as before.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ai_analysis.models import Analysis, AnalysisStep, Evidence, Feedback, Review, Score, TranscriptTurn
from consent.models import ConsentRequest, ConsentStatus
from interview_analyzer.roles import Role
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.factories import (
    AnalysisFactory,
    EvidenceFactory,
    FeedbackFactory,
    RecordingFactory,
    ScoreFactory,
    TurnFactory,
)
from tests.hiring.factories import CriterionFactory, InterviewFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(acme):
    return pw.build(acme)


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def analysed(world, *, turns: int = 4, extra_criteria: int = 0) -> Analysis:
    """A finished analysis of the world's interview: alternating turns, one score per criterion quoting the
    candidate, and both feedback drafts."""
    for _ in range(extra_criteria):
        CriterionFactory(hiring=world.hiring, organization=world.org.organization)
    recording = RecordingFactory(interview=world.interview, duration_seconds=75.0)
    analysis = AnalysisFactory(
        recording=recording,
        status=Analysis.Status.DONE,
        speech_engine="pocketsphinx 5 (test)",
        speaker_confidence="low",
        finished_at=timezone.now(),
    )
    AnalysisStep.objects.for_operators().filter(analysis=analysis).update(status=AnalysisStep.Status.DONE, attempts=1)
    rows = [
        TurnFactory(
            analysis=analysis,
            index=i,
            speaker="interviewer" if i % 2 == 0 else "candidate",
            speaker_confidence="low",
            text="How did you plan the work?" if i % 2 == 0 else "We planned the work together and compared costs.",
        )
        for i in range(turns)
    ]
    answers = [turn for turn in rows if turn.speaker == "candidate"]
    for number, criterion in enumerate(world.hiring.criteria.order_by("pk")):
        score = ScoreFactory(analysis=analysis, criterion=criterion, criterion_name=criterion.name, value=3)
        EvidenceFactory(score=score, turn=answers[number % len(answers)], quote="compared costs")
    FeedbackFactory(analysis=analysis, audience=Feedback.Audience.RECRUITER, text="Strong on planning.")
    FeedbackFactory(analysis=analysis, audience=Feedback.Audience.CANDIDATE, text="Thank you for the interview.")
    return analysis


def snapshot(analysis: Analysis) -> dict:
    """Everything a review can change, to prove a refusal changed nothing."""
    return {
        "scores": list(Score.objects.for_operators().filter(analysis=analysis).order_by("pk").values()),
        "evidence": list(Evidence.objects.for_operators().filter(score__analysis=analysis).order_by("pk").values()),
        "turns": list(TranscriptTurn.objects.for_operators().filter(analysis=analysis).order_by("pk").values()),
        "feedback": list(Feedback.objects.for_operators().filter(analysis=analysis).order_by("pk").values()),
    }


def first_score(analysis: Analysis) -> Score:
    return Score.objects.for_operators().filter(analysis=analysis).order_by("pk").first()


def page(analysis: Analysis) -> str:
    return f"/analyses/{analysis.public_id}/"


# --- Recorder ---------------------------------------------------------------------------------------------------


def test_the_interviewer_gets_the_recorder_for_a_consented_candidate(world):
    response = client_for(world.org.interviewer).get(f"/interviews/{world.interview.public_id}/record/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="recorder"' in html and f'data-interview="{world.interview.public_id}"' in html
    assert "js/recorder.js" in html and 'type="file"' in html
    assert "Start recording" in html and "Upload a recording file" in html
    assert 'data-csrf="' in html  # the CSRF cookie is HTTP-only: the page hands the token to the script


def test_without_consent_the_page_explains_and_offers_no_recorder(acme):
    world = pw.build(acme, consent=False)
    for member in (acme.interviewer, acme.recruiter):
        response = client_for(member).get(f"/interviews/{world.interview.public_id}/record/")
        assert response.status_code == 200
        html = response.content.decode()
        assert "Recording is not possible: there is no consent" in html
        assert "Awaiting answer" in html
        assert 'id="recorder"' not in html and "recorder.js" not in html and 'type="file"' not in html


def test_a_complete_recording_links_to_its_analysis_instead_of_recording_again(world):
    analysis = analysed(world)
    response = client_for(world.org.interviewer).get(f"/interviews/{world.interview.public_id}/record/")
    html = response.content.decode()
    assert "This interview is recorded" in html and page(analysis) in html
    assert 'id="recorder"' not in html


def test_an_interviewer_of_another_interview_and_another_organization_get_404(world, acme, globex):
    other_interviewer = InterviewFactory(organization=acme.organization, interviewer__role=Role.INTERVIEWER).interviewer
    for member in (other_interviewer, globex.admin):
        response = client_for(member).get(f"/interviews/{world.interview.public_id}/record/")
        assert response.status_code == 404


def test_the_interview_page_links_to_the_recorder_and_then_to_the_latest_analysis(world):
    client = client_for(world.org.recruiter)
    html = client.get(f"/interviews/{world.interview.public_id}/").content.decode()
    assert f"/interviews/{world.interview.public_id}/record/" in html and "Upload recording" in html
    analysis = analysed(world)
    html = client.get(f"/interviews/{world.interview.public_id}/").content.decode()
    assert page(analysis) in html and "Ready for review" in html


# --- The analysis page ------------------------------------------------------------------------------------------


def test_the_recruiter_sees_transcript_scores_evidence_and_the_review_buttons(world):
    analysis = analysed(world)
    score = first_score(analysis)
    evidence = score.evidence.get()
    html = client_for(world.org.recruiter).get(page(analysis)).content.decode()
    for name, _description, _good in pw.CRITERIA:
        assert name in html
    assert "We planned the work together and compared costs." in html
    assert "“compared costs”" in html and f'href="#turn-{evidence.turn.public_id}"' in html
    assert f'id="turn-{evidence.turn.public_id}"' in html and "0:10" in html  # the quote's time in the recording
    assert f"/scores/{score.public_id}/approve" in html and f"/scores/{score.public_id}/reject" in html
    assert f"/scores/{score.public_id}/edit" in html and "Mark as interviewer" in html
    assert "Feedback drafts" in html and "For the candidate" in html and "/approve" in html
    # Reproducibility: provider, model, prompt version, criteria version, speech engine.
    for value in ("local", "evidence-retrieval/test", "pocketsphinx 5 (test)", "Prompt version", "Criteria version"):
        assert value in html


def test_an_interviewer_may_read_the_analysis_but_sees_no_review_controls(world):
    analysis = analysed(world)
    response = client_for(world.org.interviewer).get(page(analysis))
    assert response.status_code == 200
    html = response.content.decode()
    assert "We planned the work together and compared costs." in html and "“compared costs”" in html
    assert "/approve" not in html and "/reject" not in html and "/edit" not in html and "/speaker" not in html
    assert "Mark as" not in html


@pytest.mark.parametrize("suffix", ["", "progress/", "explanation/"])
def test_another_organization_gets_404_for_the_analysis_pages(world, globex, suffix):
    analysis = analysed(world)
    assert client_for(globex.admin).get(page(analysis) + suffix).status_code == 404


def test_a_hiring_manager_who_does_not_manage_the_hiring_gets_404(world):
    analysis = analysed(world)
    assert client_for(world.org.hiring_manager).get(page(analysis)).status_code == 404


def test_the_progress_fragment_shows_each_step_and_its_failure_reason(world):
    analysis = analysed(world)
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(
        status=Analysis.Status.FAILED, failure_reason="The audio could not be decoded."
    )
    AnalysisStep.objects.for_operators().filter(analysis=analysis, name="transcribe").update(
        status=AnalysisStep.Status.FAILED, failure_reason="The audio could not be decoded.", attempts=4
    )
    response = client_for(world.org.interviewer).get(page(analysis) + "progress/")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'data-status="failed"' in html and "Transcribe" in html and "attempt 4" in html
    assert "The audio could not be decoded." in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_running_analysis_is_polled_and_a_finished_one_is_not(world):
    analysis = analysed(world)
    client = client_for(world.org.recruiter)
    assert "data-poll-url" not in client.get(page(analysis)).content.decode()
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(status=Analysis.Status.RUNNING)
    html = client.get(page(analysis)).content.decode()
    assert f'data-poll-url="{page(analysis)}progress/"' in html and "js/analysis.js" in html


def test_the_page_costs_the_same_number_of_queries_for_a_long_interview(acme, globex):
    """No query per turn, score, quote or feedback item (the page must not slow down with the interview)."""
    short = analysed(pw.build(acme), turns=2)
    long = analysed(pw.build(globex), turns=40, extra_criteria=5)
    short_client, long_client = client_for(acme.recruiter), client_for(globex.recruiter)
    short_client.get(page(short)), long_client.get(page(long))  # warm the session and caches alike
    with CaptureQueriesContext(connection) as short_queries:
        assert short_client.get(page(short)).status_code == 200
    with CaptureQueriesContext(connection) as long_queries:
        assert long_client.get(page(long)).status_code == 200
    assert Score.objects.for_operators().filter(analysis=long).count() == 8
    assert len(long_queries) == len(short_queries), [q["sql"] for q in long_queries]


def test_the_page_query_count_is_fixed(world, django_assert_num_queries):
    analysis = analysed(world, turns=6)
    client = client_for(world.org.recruiter)
    client.get(page(analysis))
    with CaptureQueriesContext(connection) as baseline:
        client.get(page(analysis))
    for index in range(6, 30):
        TurnFactory(analysis=analysis, index=index, speaker="candidate")
    with django_assert_num_queries(len(baseline)):
        client.get(page(analysis))


# --- Reviewing through the forms --------------------------------------------------------------------------------


def test_the_recruiter_approves_a_score(world):
    analysis = analysed(world)
    score = first_score(analysis)
    client = client_for(world.org.recruiter)
    response = client.post(f"/scores/{score.public_id}/approve")
    assert response.status_code == 302 and response["Location"] == f"{page(analysis)}#score-{score.public_id}"
    score.refresh_from_db()
    assert score.status == Review.APPROVED and score.reviewed_by == world.org.recruiter and score.reviewed_at
    html = client.get(page(analysis)).content.decode()
    assert "approved." in html and world.org.recruiter.user.display_name in html


def test_the_recruiter_edits_a_score_and_it_is_approved_under_their_name(world):
    analysis = analysed(world)
    score = first_score(analysis)
    response = client_for(world.org.recruiter).post(
        f"/scores/{score.public_id}/edit", {"value": "4", "rationale": "Planned with the team and compared costs."}
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert (score.value, score.status, score.edited) == (4, Review.APPROVED, True)
    assert score.rationale == "Planned with the team and compared costs." and score.machine_value == 3


def test_an_edit_may_say_insufficient_evidence(world):
    analysis = analysed(world)
    score = first_score(analysis)
    response = client_for(world.org.recruiter).post(
        f"/scores/{score.public_id}/edit", {"value": "", "rationale": "The answer did not touch this criterion."}
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.value is None and score.status == Review.APPROVED


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"value": "7", "rationale": "Great."}, "A score is 1 to 5, or empty for insufficient evidence."),
        ({"value": "0", "rationale": "Great."}, "A score is 1 to 5, or empty for insufficient evidence."),
        ({"value": "three", "rationale": "Great."}, "A score is 1 to 5, or empty for insufficient evidence."),
        ({"value": "4", "rationale": ""}, "Say why: the rationale is what a reviewer and the candidate read."),
        ({"value": "4", "rationale": "   "}, "Say why: the rationale is what a reviewer and the candidate read."),
        ({"value": "4", "rationale": "x" * 5001}, "Ensure this value has at most 5000 characters"),
    ],
    ids=["seven", "zero", "words", "empty-rationale", "blank-rationale", "too-long"],
)
def test_a_bad_edit_is_a_form_error_and_changes_nothing(world, data, error):
    analysis = analysed(world)
    score = first_score(analysis)
    before = snapshot(analysis)
    response = client_for(world.org.recruiter).post(f"/scores/{score.public_id}/edit", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html and "field-error" in html
    assert '<details class="disclosure edit-score" open>' in html  # the form stays open where the error is
    assert snapshot(analysis) == before


def test_the_recruiter_rejects_a_score_and_it_leaves_the_explanation(world):
    analysis = analysed(world)
    score = first_score(analysis)
    client = client_for(world.org.recruiter)
    client.post(f"/scores/{score.public_id}/approve", follow=True)
    assert score.criterion_name in client.get(page(analysis) + "explanation/").content.decode()
    response = client.post(f"/scores/{score.public_id}/reject")
    assert response.status_code == 302
    client.get(page(analysis))  # shows (and so uses up) the confirmation
    score.refresh_from_db()
    assert score.status == Review.REJECTED
    assert score.criterion_name not in client.get(page(analysis) + "explanation/").content.decode()


def test_relabelling_a_quoted_candidate_turn_removes_the_evidence_and_flags_the_score(world):
    analysis = analysed(world)
    score = first_score(analysis)
    client = client_for(world.org.recruiter)
    client.post(f"/scores/{score.public_id}/approve")
    turn = score.evidence.get().turn
    response = client.post(f"/turns/{turn.public_id}/speaker", {"speaker": "interviewer"})
    assert response.status_code == 302 and response["Location"].endswith(f"#turn-{turn.public_id}")
    turn.refresh_from_db()
    score.refresh_from_db()
    assert turn.speaker == "interviewer" and turn.corrected_by == world.org.recruiter
    assert score.status == Review.DRAFT and score.needs_recheck and not score.evidence.exists()
    html = client.get(page(analysis)).content.decode()
    assert "back to draft for a second look" in html  # the message after the correction
    assert "Re-check: evidence changed" in html and "2 scores need a second look" in html
    assert "corrected by" in html


@pytest.mark.parametrize("data", [{"speaker": "robot"}, {"speaker": ""}, {}], ids=["unknown", "empty", "missing"])
def test_an_unknown_speaker_is_a_form_error_and_changes_nothing(world, data):
    analysis = analysed(world)
    turn = TranscriptTurn.objects.for_operators().filter(analysis=analysis, speaker="candidate").first()
    before = snapshot(analysis)
    response = client_for(world.org.recruiter).post(f"/turns/{turn.public_id}/speaker", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "The speaker is the interviewer or the candidate." in html or "Choose who spoke" in html
    assert snapshot(analysis) == before


def test_feedback_is_approved_as_edited_or_rejected(world):
    analysis = analysed(world)
    team, candidate = (
        Feedback.objects.for_operators().get(analysis=analysis, audience=audience)
        for audience in (Feedback.Audience.RECRUITER, Feedback.Audience.CANDIDATE)
    )
    client = client_for(world.org.recruiter)
    assert client.post(f"/feedback/{team.public_id}/approve", {"text": team.text}).status_code == 302
    team.refresh_from_db()
    assert team.status == Review.APPROVED and not team.edited
    text = "Thank you for the interview. Your answer on planning was concrete."
    assert client.post(f"/feedback/{candidate.public_id}/approve", {"text": text}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == Review.APPROVED and candidate.edited and candidate.text == text
    assert client.post(f"/feedback/{team.public_id}/reject").status_code == 302
    team.refresh_from_db()
    assert team.status == Review.REJECTED


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("You came across as lazy and arrogant.", "This cannot go to a candidate"),
        ("", "Feedback cannot be empty."),
    ],
    ids=["guardrail", "empty"],
)
def test_candidate_feedback_that_fails_the_guardrail_is_a_form_error(world, text, error):
    analysis = analysed(world)
    candidate = Feedback.objects.for_operators().get(analysis=analysis, audience=Feedback.Audience.CANDIDATE)
    before = snapshot(analysis)
    response = client_for(world.org.recruiter).post(f"/feedback/{candidate.public_id}/approve", {"text": text})
    assert response.status_code == 400 and error in response.content.decode()
    assert snapshot(analysis) == before


@pytest.mark.parametrize(
    "action",
    [
        "scores/{score}/approve",
        "scores/{score}/reject",
        "scores/{score}/edit",
        "turns/{turn}/speaker",
        "feedback/{feedback}/approve",
        "feedback/{feedback}/reject",
    ],
)
def test_an_interviewer_cannot_review_and_another_organization_gets_404(world, globex, action):
    analysis = analysed(world)
    score = first_score(analysis)
    path = "/" + action.format(
        score=score.public_id,
        turn=score.evidence.get().turn.public_id,
        feedback=Feedback.objects.for_operators().filter(analysis=analysis).first().public_id,
    )
    data = {"value": "5", "rationale": "Fine.", "speaker": "interviewer", "text": "Fine."}
    before = snapshot(analysis)
    assert client_for(world.org.interviewer).post(path, data).status_code == 403
    assert client_for(globex.admin).post(path, data).status_code == 404
    assert client_for(world.org.recruiter).get(path).status_code == 405  # writes are POST only
    assert snapshot(analysis) == before


def test_review_forms_need_the_csrf_token(world):
    analysis = analysed(world)
    score = first_score(analysis)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.org.recruiter.user)
    before = snapshot(analysis)
    assert client.post(f"/scores/{score.public_id}/approve").status_code == 403
    assert snapshot(analysis) == before


def test_after_a_withdrawal_nothing_can_be_reviewed(world):
    analysis = analysed(world)
    score = first_score(analysis)
    ConsentRequest.objects.for_operators().filter(candidate=world.candidate).update(
        status=ConsentStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )
    before = snapshot(analysis)
    client = client_for(world.org.recruiter)
    response = client.post(f"/scores/{score.public_id}/approve")
    assert response.status_code == 403
    assert "Nothing was changed" in response.content.decode()
    assert snapshot(analysis) == before
    html = client.get(page(analysis)).content.decode()
    assert "consent is not recorded, or was withdrawn" in html and "/approve" not in html


# --- The explanation (RET-7) ------------------------------------------------------------------------------------


def test_the_explanation_shows_only_approved_scores_with_their_evidence(world):
    analysis = analysed(world)
    scores = list(Score.objects.for_operators().filter(analysis=analysis).order_by("pk"))
    approved, draft, rejected = scores[0], scores[1], scores[2]
    client = client_for(world.org.recruiter)
    client.post(f"/scores/{approved.public_id}/approve", follow=True)
    client.post(f"/scores/{rejected.public_id}/reject", follow=True)
    response = client.get(page(analysis) + "explanation/")
    assert response.status_code == 200
    html = response.content.decode()
    assert approved.criterion_name in html and approved.rationale in html and "“compared costs”" in html
    assert draft.criterion_name not in html and rejected.criterion_name not in html
    assert "2 criteria are not included yet." in html
    assert world.org.recruiter.user.display_name in html  # who approved it
    # An interviewer of the interview may read it too; nothing there to review.
    assert client_for(world.org.interviewer).get(page(analysis) + "explanation/").status_code == 200


def test_an_explanation_without_approved_scores_says_so(world):
    analysis = analysed(world)
    html = client_for(world.org.recruiter).get(page(analysis) + "explanation/").content.decode()
    assert "No approved scores yet" in html
    for name, _description, _good in pw.CRITERIA:
        assert name not in html
