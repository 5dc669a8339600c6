"""Server pages of recording and review (SPEC section 7, CON-4, AI-3, AI-4, RET-7).

- The recorder page of an interview: the browser recorder (``static/js/recorder.js``) or a file upload, both talking
  to the chunk API; without the candidate's recorded consent it explains why nothing can be recorded (CON-4).
- The analysis page: the pipeline's steps (refreshed live from a small fragment), the transcript with speaker labels,
  each criterion's draft score with its evidence, the feedback drafts, and the review forms (AI-3).
- The explanation page: the approved scores only, each with its rationale and quoted evidence (RET-7).

Thin: reads go through ``visible_to`` and ``get_visible_or_404`` (an object another organization owns is a plain
404), every write through ``ai_analysis.review``, which checks role, visibility and consent again. A service's
``ValidationError`` becomes a form error on the re-rendered page (400), and nothing is stored.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ai_analysis import actors, failures, playback, recordings, review
from ai_analysis.forms import FeedbackApproveForm, ScoreEditForm, SpeakerForm, clock
from ai_analysis.models import (
    Analysis,
    Evidence,
    Feedback,
    QuestionAnswer,
    Recording,
    Review,
    Score,
    TranscriptTurn,
)
from ai_analysis.types import CANDIDATE, INTERVIEWER
from consent.models import ConsentRequest
from consent.services import ConsentRequired, has_consent
from hiring.access_log import AccessKind, reads_candidate_data, record_view, starts_playback
from hiring.models import Interview
from interview_analyzer.errors import Conflict
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404

GET_ONLY = ("GET", "HEAD")
# The recorder sends a file in pieces of this size (the API takes up to RECORDING_CHUNK_MAX_BYTES per piece).
FILE_CHUNK_BYTES = 5 * 1024 * 1024
# How often the analysis page asks for the steps while the pipeline runs.
POLL_MILLISECONDS = 2000
FINISHED = {Analysis.Status.DONE, Analysis.Status.FAILED, Analysis.Status.STOPPED}


def _manages(member) -> bool:
    """Whether to show review controls. The services and decorators still decide every write."""
    return member.has_role(Role.HIRING_MANAGER)


def _visible_analysis(request, public_id) -> Analysis:
    queryset = Analysis.objects.select_related(
        "interview__candidate__hiring", "interview__interviewer__user", "recording", "created_by__user", "organization"
    )
    return get_visible_or_404(Analysis, request.member, public_id, queryset=queryset)


# --- Recorder ---------------------------------------------------------------------------------------------------


@reads_candidate_data(AccessKind.INTERVIEW)
@member_required(Role.INTERVIEWER)
def recorder(request, public_id):
    """Record an interview in the browser, or upload a recording file. Interviewers of the interview and hiring
    managers and up who can see it; the API refuses every chunk without consent anyway (CON-4)."""
    member = request.member
    queryset = Interview.objects.select_related("candidate__hiring", "interviewer__user")
    interview = get_visible_or_404(Interview, member, public_id, queryset=queryset)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    candidate = interview.candidate
    record_view(request, candidate, AccessKind.INTERVIEW, interview)
    recording = Recording.objects.visible_to(member).filter(interview=interview).first()
    latest = recording.analyses.order_by("-created_at", "-pk").first() if recording else None
    context = {
        "interview": interview,
        "candidate": candidate,
        "hiring": candidate.hiring,
        "manages": _manages(member),
        "consented": has_consent(candidate),
        "consent": ConsentRequest.objects.visible_to(member).filter(candidate=candidate).first(),
        "recording": recording,
        "latest_analysis": latest,
        "can_delete": recording is not None
        and recording.status == Recording.Status.COMPLETE
        and recordings.can_delete(recording, latest),
        "file_chunk_bytes": FILE_CHUNK_BYTES,
    }
    return render(request, "ai_analysis/recorder.html", context)


# --- Analysis and review ----------------------------------------------------------------------------------------


def _review_items(member, analysis: Analysis) -> dict:
    """Everything the analysis page lists, in a fixed number of queries whatever the interview's length."""
    turns = list(
        TranscriptTurn.objects.visible_to(member).filter(analysis=analysis).select_related("corrected_by__user")
    )
    evidence = Evidence.objects.visible_to(member).select_related("turn")
    scores = list(
        Score.objects.visible_to(member)
        .filter(analysis=analysis)
        .select_related("reviewed_by__user")
        .prefetch_related(Prefetch("evidence", queryset=evidence, to_attr="quotes"))
    )
    feedback = list(Feedback.objects.visible_to(member).filter(analysis=analysis).select_related("reviewed_by__user"))
    questions = {
        pair.question_turn: number
        for number, pair in enumerate(QuestionAnswer.objects.visible_to(member).filter(analysis=analysis), 1)
        if pair.question_turn is not None
    }
    for turn in turns:
        turn.clock = clock(turn.start_s)
        turn.question_number = questions.get(turn.index)
        turn.other_speaker = CANDIDATE if turn.speaker == INTERVIEWER else INTERVIEWER
    for score in scores:
        for quote in score.quotes:
            quote.clock = clock(quote.start_s)
        # AI-4: a score without evidence is not shown as a score, unless a person set it themselves; then it is
        # shown as their judgement, apart from the scores that rest on quotes.
        score.shown_value = score.value if (score.quotes or score.edited) else None
        score.judgement = score.is_reviewer_judgement(len(score.quotes))
    return {"turns": turns, "scores": scores, "feedback": feedback}


def _render_analysis(request, analysis: Analysis, *, forms: dict | None = None, status: int = 200):
    """The analysis page. ``forms`` maps an item's public id to its bound form with errors, shown in place."""
    member = request.member
    forms = forms or {}
    candidate = analysis.interview.candidate
    manages = _manages(member)
    consented = has_consent(candidate)
    items = _review_items(member, analysis)
    can_review = manages and consented
    if can_review:
        for score in items["scores"]:
            score.edit_form = forms.get(score.public_id) or ScoreEditForm(
                score=score, turns=items["turns"], quoted=[quote.turn.public_id for quote in score.quotes]
            )
        for feedback in items["feedback"]:
            feedback.approve_form = forms.get(feedback.public_id) or FeedbackApproveForm(feedback=feedback)
        for turn in items["turns"]:
            turn.speaker_form = forms.get(turn.public_id)
    steps = list(analysis.steps.all())
    recording = analysis.recording
    latest = recording.analyses.order_by("-created_at", "-pk").first()
    context = {
        "analysis": analysis,
        "steps": steps,
        "failure": failures.explain(analysis, steps),
        "can_retry": analysis.status == Analysis.Status.FAILED and consented,
        "can_delete": analysis.pk == latest.pk and recordings.can_delete(recording, latest),
        "audio_url": reverse("ai_analysis:recording_audio", args=[recording.public_id]) if recording.merged else "",
        "interview": analysis.interview,
        "candidate": candidate,
        "hiring": candidate.hiring,
        "manages": manages,
        "consented": consented,
        "can_review": can_review,
        "running": analysis.status not in FINISHED,
        "poll_ms": POLL_MILLISECONDS,
        "duration": clock(analysis.recording.duration_seconds) if analysis.recording.duration_seconds else "",
        "approved_count": sum(1 for s in items["scores"] if s.status == Review.APPROVED),
        "recheck_count": sum(1 for s in items["scores"] if s.needs_recheck),
        **items,
    }
    return render(request, "ai_analysis/analysis.html", context, status=status)


@reads_candidate_data(AccessKind.ANALYSIS)
@member_required(Role.INTERVIEWER)
def analysis_detail(request, public_id):
    analysis = _visible_analysis(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    record_view(request, analysis.interview.candidate, AccessKind.ANALYSIS, analysis)
    return _render_analysis(request, analysis)


@never_cache
@member_required(Role.INTERVIEWER)
def analysis_progress(request, public_id):
    """The steps as an HTML fragment, polled by ``static/js/analysis.js`` while the pipeline runs (AI-1)."""
    analysis = _visible_analysis(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    steps = list(analysis.steps.all())
    context = {
        "analysis": analysis,
        "steps": steps,
        "running": analysis.status not in FINISHED,
        "failure": failures.explain(analysis, steps),
    }
    return render(request, "ai_analysis/_progress.html", context)


@reads_candidate_data(AccessKind.EXPLANATION)
@member_required(Role.INTERVIEWER)
def explanation(request, public_id):
    """How each approved score was reached, with its evidence (RET-7). Drafts and rejected scores never show."""
    member = request.member
    analysis = _visible_analysis(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    record_view(request, analysis.interview.candidate, AccessKind.EXPLANATION, analysis)
    evidence = Evidence.objects.visible_to(member)
    scores = list(
        Score.objects.visible_to(member)
        .filter(analysis=analysis, status=Review.APPROVED)
        .select_related("reviewed_by__user", "criterion")
        .prefetch_related(Prefetch("evidence", queryset=evidence, to_attr="quotes"))
    )
    for score in scores:
        for quote in score.quotes:
            quote.clock = clock(quote.start_s)
        score.judgement = score.is_reviewer_judgement(len(score.quotes))
    context = {
        "analysis": analysis,
        "interview": analysis.interview,
        "candidate": analysis.interview.candidate,
        "hiring": analysis.interview.candidate.hiring,
        "manages": _manages(member),
        "scores": [score for score in scores if not score.judgement],
        "judgements": [score for score in scores if score.judgement],
        "pending_count": Score.objects.visible_to(member)
        .filter(analysis=analysis)
        .exclude(status=Review.APPROVED)
        .count(),
    }
    return render(request, "ai_analysis/explanation.html", context)


# --- Review actions (POST only; hiring manager and up) -----------------------------------------------------------


def _reviewable(request, model, public_id):
    return get_visible_or_404(model, request.member, public_id, queryset=model.objects.select_related("analysis"))


def _back_to(item, anchor: str):
    return redirect(reverse("ai_analysis:analysis", args=[item.analysis.public_id]) + f"#{anchor}")


def _refused(request, item, error: Exception, *, form=None, field: str | None = None):
    """Re-render the analysis page with the reason, and the form in place when there is one; nothing was stored."""
    analysis = _visible_analysis(request, item.analysis.public_id)
    if isinstance(error, ConsentRequired):
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error.args[0]})
        return _render_analysis(request, analysis, status=403)
    if form is not None:
        apply_service_error(form, error, field)
        return _render_analysis(request, analysis, forms={item.public_id: form}, status=400)
    messages.error(request, " ".join(error.messages))
    return _render_analysis(request, analysis, status=400)


@member_required(Role.HIRING_MANAGER)
@require_POST
def score_approve(request, public_id):
    score = _reviewable(request, Score, public_id)
    try:
        review.approve_score(actor=request.member, score=score)
    except (ValidationError, ConsentRequired) as error:
        return _refused(request, score, error)
    messages.success(request, _("“%(criterion)s” approved.") % {"criterion": score.criterion_name})
    return _back_to(score, f"score-{score.public_id}")


@member_required(Role.HIRING_MANAGER)
@require_POST
def score_edit(request, public_id):
    score = _reviewable(request, Score, public_id)
    turns = TranscriptTurn.objects.visible_to(request.member).filter(analysis_id=score.analysis_id)
    form = ScoreEditForm(request.POST, score=score, turns=list(turns))
    if not form.is_valid():
        return _render_analysis(
            request, _visible_analysis(request, score.analysis.public_id), forms={score.public_id: form}, status=400
        )
    try:
        review.edit_score(actor=request.member, score=score, **form.cleaned_data)
    except (ValidationError, ConsentRequired) as error:
        return _refused(request, score, error, form=form)
    messages.success(
        request, _("Your score for “%(criterion)s” is saved and approved.") % {"criterion": score.criterion_name}
    )
    return _back_to(score, f"score-{score.public_id}")


@member_required(Role.HIRING_MANAGER)
@require_POST
def score_reject(request, public_id):
    score = _reviewable(request, Score, public_id)
    try:
        review.reject_score(actor=request.member, score=score)
    except (ValidationError, ConsentRequired) as error:
        return _refused(request, score, error)
    messages.success(
        request,
        _("“%(criterion)s” rejected: it stays out of comparisons, exports and explanations.")
        % {"criterion": score.criterion_name},
    )
    return _back_to(score, f"score-{score.public_id}")


@member_required(Role.HIRING_MANAGER)
@require_POST
def turn_speaker(request, public_id):
    """Correct a turn's speaker. Evidence may only quote the candidate, so the scores quoting a turn relabelled as
    the interviewer's lose that evidence and go back to draft, marked for a second look."""
    turn = _reviewable(request, TranscriptTurn, public_id)
    form = SpeakerForm(request.POST, auto_id=f"id_{turn.public_id}_%s")
    if not form.is_valid():
        analysis = _visible_analysis(request, turn.analysis.public_id)
        return _render_analysis(request, analysis, forms={turn.public_id: form}, status=400)
    try:
        affected = review.correct_speaker(actor=request.member, turn=turn, speaker=form.cleaned_data["speaker"])
    except (ValidationError, ConsentRequired) as error:
        return _refused(request, turn, error, form=form, field="speaker")
    label = dict(SpeakerForm.base_fields["speaker"].choices)[form.cleaned_data["speaker"]]
    message = _("The turn at %(clock)s is now the %(speaker)s's.") % {
        "clock": clock(turn.start_s),
        "speaker": str(label).lower(),
    }
    if affected:
        message += " " + ngettext(
            "%(count)d score quoted it: it is back to draft for a second look.",
            "%(count)d scores quoted it: they are back to draft for a second look.",
            len(affected),
        ) % {"count": len(affected)}
    messages.success(request, message)
    return _back_to(turn, f"turn-{turn.public_id}")


@member_required(Role.HIRING_MANAGER)
@require_POST
def feedback_approve(request, public_id):
    feedback = _reviewable(request, Feedback, public_id)
    form = FeedbackApproveForm(request.POST, feedback=feedback)
    if not form.is_valid():
        analysis = _visible_analysis(request, feedback.analysis.public_id)
        return _render_analysis(request, analysis, forms={feedback.public_id: form}, status=400)
    try:
        review.approve_feedback(actor=request.member, feedback=feedback, text=form.cleaned_data["text"])
    except (ValidationError, ConsentRequired) as error:
        return _refused(request, feedback, error, form=form, field="text")
    messages.success(
        request, _("Feedback approved: %(audience)s.") % {"audience": feedback.get_audience_display().lower()}
    )
    return _back_to(feedback, f"feedback-{feedback.public_id}")


@member_required(Role.HIRING_MANAGER)
@require_POST
def feedback_reject(request, public_id):
    feedback = _reviewable(request, Feedback, public_id)
    try:
        review.reject_feedback(actor=request.member, feedback=feedback)
    except (ValidationError, ConsentRequired) as error:
        return _refused(request, feedback, error)
    messages.success(request, _("Feedback rejected: it will not be used."))
    return _back_to(feedback, f"feedback-{feedback.public_id}")


# --- Listening and recovery ---------------------------------------------------------------------------------------


@reads_candidate_data(AccessKind.AUDIO)
@member_required(Role.INTERVIEWER)
def recording_audio(request, public_id):
    """The merged recording, with HTTP Range support so the player can seek (``ai_analysis.playback``). Only for
    members who may see the interview (ORG-4); for everyone else, the same 404 as for no recording (ORG-5).
    Logged once per playback: the request that starts at byte 0 (LOG-1)."""
    queryset = Recording.objects.select_related("candidate")
    recording = get_visible_or_404(Recording, request.member, public_id, queryset=queryset)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    if not recording.merged:
        raise Http404
    size = recording.merged_bytes or recording.merged.storage.size(recording.merged.name)
    response = playback.audio_response(request, recording.merged, size=size, container=recording.merged_format)
    if response.status_code != 416 and starts_playback(request):
        record_view(request, recording.candidate, AccessKind.AUDIO, recording)
    return response


@member_required(Role.INTERVIEWER)
@require_POST
def analysis_retry(request, public_id):
    """Run a failed analysis again from the step that failed (CON-4 is asked again by the service)."""
    analysis = _visible_analysis(request, public_id)
    try:
        with transaction.atomic():
            step = recordings.retry_analysis(actor=request.member, analysis=analysis)
            transaction.on_commit(lambda: actors.STEP_ACTORS[step.name].send(analysis.public_id))
    except (Conflict, ConsentRequired) as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error.args[0]})
        return _render_analysis(request, analysis, status=403 if isinstance(error, ConsentRequired) else 409)
    messages.success(
        request, _("Retrying from “%(step)s”. The steps done before it are kept.") % {"step": step.get_name_display()}
    )
    return redirect("ai_analysis:analysis", public_id=analysis.public_id)


@member_required(Role.INTERVIEWER)
@require_POST
def recording_delete(request, public_id):
    """Delete a failed or unfinished recording; ``replace=1`` then opens the upload to send another file."""
    recording = get_visible_or_404(
        Recording, request.member, public_id, queryset=Recording.objects.select_related("interview")
    )
    interview = recording.interview
    try:
        recordings.delete_recording(actor=request.member, recording=recording)
    except Conflict as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error.args[0]})
        return redirect("hiring:interview_detail", public_id=interview.public_id)
    if request.POST.get("replace"):
        messages.success(request, _("The failed recording is deleted. Upload the new file."))
        return redirect(reverse("ai_analysis:record", args=[interview.public_id]) + "#file-heading")
    messages.success(request, _("The recording and its analysis are deleted."))
    return redirect(reverse("hiring:interview_detail", args=[interview.public_id]) + "#recording")
