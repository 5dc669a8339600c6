"""The recording and analysis API under ``/api/v1/`` (SEC-UP, CON-4, AI-3, RET-7).

The desktop client and the browser recorder use the same calls: ``POST /recordings/`` for an interview, ``PUT
/recordings/<id>/chunks/<index>/`` with the raw bytes and their SHA-256 in ``X-Chunk-SHA256`` (idempotent,
resumable: ``GET /recordings/<id>/`` lists the chunks held), then ``POST /recordings/<id>/complete/``. Every one of
them is refused with 403 ``consent_required`` unless the candidate's acceptance for the hiring is recorded (CON-4).

Reads follow the interview's visibility (ORG-4). Recording needs interviewer or above; reviewing (approve, edit,
reject, correct a speaker) hiring manager or above on a hiring the member manages.
"""

from django.conf import settings
from django.db import transaction
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.response import Response

from accounts import rate_limits
from ai_analysis import actors, playback, recordings, review, scorecards
from ai_analysis import serializers as s
from ai_analysis.models import Analysis, Feedback, Recording, Review, Score, Scorecard, TranscriptTurn
from hiring.access_log import AccessKind, CandidateDataReads, candidate_of, record_view, starts_playback
from interview_analyzer.roles import Role
from interview_analyzer.viewsets import TenantViewSet

CHUNK_HEADER = "X-Chunk-SHA256"


class ChunkParser(BaseParser):
    """The raw bytes of a chunk: parsing is left to the service, which checks them against their checksum."""

    media_type = "application/octet-stream"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read() if stream is not None else b""


@extend_schema_view(
    # 201 when it starts the recording, 200 with the interview's open recording when one exists (found by fuzzing).
    create=extend_schema(
        request=s.RecordingStartSerializer, responses={201: s.RecordingSerializer, 200: s.RecordingSerializer}
    ),
)
class RecordingViewSet(CandidateDataReads, mixins.RetrieveModelMixin, TenantViewSet):
    """An interview's recording, received in chunks. Interviewers record the interviews assigned to them."""

    model = Recording
    candidate_data_kinds = {"retrieve": AccessKind.RECORDING, "audio": AccessKind.AUDIO}  # LOG-1
    serializer_class = s.RecordingSerializer
    read_role = write_role = Role.INTERVIEWER  # the service checks the interview is theirs to record
    # A chunk's body may be larger than the default request limit; nothing else here sends more than a few bytes.
    max_request_bytes = settings.RECORDING_CHUNK_MAX_BYTES + 64 * 1024

    def refine_queryset(self, queryset):
        return queryset.select_related("interview", "candidate")

    def create(self, request):
        interview = self.validated(s.RecordingStartSerializer)["interview"]
        recording, created = recordings.start_recording(actor=self.member, interview=interview)
        return self.respond(recording, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        request={"application/octet-stream": OpenApiTypes.BINARY},
        parameters=[
            OpenApiParameter(CHUNK_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
            OpenApiParameter("index", OpenApiTypes.INT, OpenApiParameter.PATH),
        ],
        responses={201: s.ChunkReceiptSerializer, 200: s.ChunkReceiptSerializer},
        summary="Store one chunk (idempotent per index)",
    )
    @action(detail=True, methods=["put"], url_path="chunks/<int:index>", parser_classes=[ChunkParser])
    def chunk(self, request, public_id, index):
        recording = self.get_object()
        wait = rate_limits.check(request, "recording_chunk", recording.public_id, methods=("PUT",))
        if wait is not None:
            raise exceptions.Throttled(wait=wait)
        data = request.data if isinstance(request.data, bytes) else b""
        chunk, stored = recordings.put_chunk(
            actor=self.member, recording=recording, index=index, data=data, sha256=request.headers.get(CHUNK_HEADER, "")
        )
        receipt = {"index": chunk.index, "size": chunk.size, "sha256": chunk.sha256, "stored": stored}
        return Response(receipt, status=status.HTTP_201_CREATED if stored else status.HTTP_200_OK)

    @extend_schema(request=s.CompleteSerializer, responses={202: s.AnalysisSerializer}, summary="Close and analyse")
    @action(detail=True, methods=["post"])
    def complete(self, request, public_id):
        recording = self.get_object()
        count = self.validated(s.CompleteSerializer)["chunk_count"]
        try:
            with transaction.atomic():
                analysis = recordings.complete(actor=self.member, recording=recording, chunk_count=count)
                if analysis.status == Analysis.Status.QUEUED:
                    transaction.on_commit(lambda: actors.start(analysis.public_id))
        except recordings.IncompleteRecording as error:
            return Response(
                {"detail": str(error), "missing": error.missing, "beyond_chunk_count": error.extra},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(s.AnalysisSerializer(analysis).data, status=status.HTTP_202_ACCEPTED)

    def destroy(self, request, public_id):
        """Delete a recording that is unfinished or whose analysis failed, to upload another (409 otherwise)."""
        recordings.delete_recording(actor=self.member, recording=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        responses={(200, "audio/*"): OpenApiTypes.BINARY, (206, "audio/*"): OpenApiTypes.BINARY},
        parameters=[OpenApiParameter("Range", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        summary="The merged recording (HTTP Range requests: 206, or 416 for a range past the end)",
    )
    @action(detail=True, methods=["get"])
    def audio(self, request, public_id):
        recording = self.get_object()
        if not recording.merged:
            raise Http404
        size = recording.merged_bytes or recording.merged.storage.size(recording.merged.name)
        response = playback.audio_response(request, recording.merged, size=size, container=recording.merged_format)
        if response.status_code != 416 and starts_playback(request):  # once per playback (LOG-1)
            record_view(request, recording.candidate, AccessKind.AUDIO, recording)
        return response


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("interview", OpenApiTypes.STR)]))
class AnalysisViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Analyses with each step's state and failure reason; the explanation of the approved scores (RET-7)."""

    model = Analysis
    candidate_data_kinds = {"retrieve": AccessKind.ANALYSIS, "explanation": AccessKind.EXPLANATION}  # LOG-1
    serializer_class = s.AnalysisSerializer
    read_role = Role.INTERVIEWER
    filter_serializer_class = s.AnalysisFilterSerializer
    filter_lookups = {"interview": "interview__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("interview", "recording").prefetch_related("steps")

    @extend_schema(responses={200: s.ExplanationSerializer}, summary="How each approved score was reached (RET-7)")
    @action(detail=True, methods=["get"])
    def explanation(self, request, public_id):
        analysis = self.get_object()
        record_view(request, candidate_of(analysis), AccessKind.EXPLANATION, analysis)
        scores = (
            Score.objects.visible_to(self.member)
            .filter(analysis=analysis, status=Review.APPROVED)
            .select_related("criterion")
            .prefetch_related("evidence__turn")
        )
        payload = {
            "analysis": analysis.public_id,
            "interview": analysis.interview.public_id,
            "provider": analysis.provider,
            "model": analysis.model,
            "prompt_version": analysis.prompt_version,
            "criteria_version": analysis.criteria_version,
            "scores": scores,
        }
        return Response(s.ExplanationSerializer(payload).data)

    @extend_schema(request=None, responses={202: s.AnalysisSerializer}, summary="Retry from the failed step")
    @action(detail=True, methods=["post"], write_role=Role.INTERVIEWER)
    def retry(self, request, public_id):
        """Run a failed analysis again from the step that failed; 409 unless it failed, 403 without consent."""
        analysis = self.get_object()
        with transaction.atomic():
            step = recordings.retry_analysis(actor=self.member, analysis=analysis)
            transaction.on_commit(lambda: actors.STEP_ACTORS[step.name].send(analysis.public_id))
        analysis.refresh_from_db()
        return Response(s.AnalysisSerializer(analysis).data, status=status.HTTP_202_ACCEPTED)


class ReviewViewSet(TenantViewSet):
    """What people review (AI-3): everyone who sees the interview reads it; hiring managers and up change it."""

    read_role = Role.INTERVIEWER
    write_role = Role.HIRING_MANAGER


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("analysis", OpenApiTypes.STR)]),
    partial_update=extend_schema(request=s.ScoreEditSerializer, summary="Replace the draft with a person's score"),
)
class ScoreViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ReviewViewSet):
    """Scores per criterion with their evidence: drafts until a person approves, edits or rejects them (AI-3)."""

    model = Score
    candidate_data_kinds = {"retrieve": AccessKind.SCORE}  # LOG-1
    serializer_class = s.ScoreSerializer
    filter_serializer_class = s.AnalysisChildFilterSerializer
    filter_lookups = {"analysis": "analysis__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("analysis", "criterion", "reviewed_by").prefetch_related("evidence__turn")

    def partial_update(self, request, public_id):
        score = self.get_object()
        fields = self.validated(s.ScoreEditSerializer)
        return self.respond(review.edit_score(actor=self.member, score=score, **fields))

    @extend_schema(request=None, responses=s.ScoreSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, public_id):
        return self.respond(review.approve_score(actor=self.member, score=self.get_object()))

    @extend_schema(request=None, responses=s.ScoreSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, public_id):
        return self.respond(review.reject_score(actor=self.member, score=self.get_object()))


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("analysis", OpenApiTypes.STR)]),
    partial_update=extend_schema(request=s.SpeakerSerializer, summary="Correct the speaker of a turn"),
)
class TurnViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ReviewViewSet):
    """Transcript turns with speaker labels a person can correct; a correction re-checks the evidence."""

    model = TranscriptTurn
    candidate_data_kinds = {"retrieve": AccessKind.TRANSCRIPT}  # LOG-1
    serializer_class = s.TurnSerializer
    filter_serializer_class = s.AnalysisChildFilterSerializer
    filter_lookups = {"analysis": "analysis__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("analysis")

    def partial_update(self, request, public_id):
        turn = self.get_object()
        review.correct_speaker(actor=self.member, turn=turn, **self.validated(s.SpeakerSerializer))
        turn.refresh_from_db()
        return self.respond(turn)


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("analysis", OpenApiTypes.STR)]))
class FeedbackViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, ReviewViewSet):
    """Feedback drafts for the recruiting team and for the candidate (the latter through the AI-7 guardrail)."""

    model = Feedback
    candidate_data_kinds = {"retrieve": AccessKind.FEEDBACK}  # LOG-1
    serializer_class = s.FeedbackSerializer
    filter_serializer_class = s.AnalysisChildFilterSerializer
    filter_lookups = {"analysis": "analysis__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("analysis")

    @extend_schema(request=s.FeedbackApproveSerializer, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, public_id):
        feedback = self.get_object()  # a 404 for an invisible object before the body is even read (ORG-5)
        fields = self.validated(s.FeedbackApproveSerializer)
        return self.respond(review.approve_feedback(actor=self.member, feedback=feedback, **fields))

    @extend_schema(request=None, responses=s.FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, public_id):
        return self.respond(review.reject_feedback(actor=self.member, feedback=self.get_object()))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("interview", OpenApiTypes.STR),
            OpenApiParameter("candidate", OpenApiTypes.STR),
        ]
    ),
    create=extend_schema(
        request=s.ScorecardSaveSerializer,
        responses={201: s.ScorecardSerializer, 200: s.ScorecardSerializer},
        summary="Save your draft scorecard of an interview (created, or replaced while a draft)",
    ),
)
class ScorecardViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Interviewer scorecards (issue 14). The rows listed follow independent judgement: your own, and others'
    submitted ones once you submitted yours for the candidate (hiring managers and up: every submitted one of the
    interviews they see). Only the interview's interviewer writes its scorecard; a submitted one is final (409)."""

    model = Scorecard
    candidate_data_kinds = {"retrieve": AccessKind.SCORECARD}  # LOG-1
    serializer_class = s.ScorecardSerializer
    read_role = write_role = Role.INTERVIEWER  # the service checks the interview is the member's own
    filter_serializer_class = s.ScorecardFilterSerializer
    filter_lookups = {"interview": "interview__public_id", "candidate": "interview__candidate__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("interview__candidate", "analysis", "author").prefetch_related(
            "ratings__criterion"
        )

    def create(self, request):
        data = self.validated(s.ScorecardSaveSerializer)
        existed = Scorecard.objects.visible_to(self.member).filter(interview=data["interview"], author=self.member)
        created = not existed.exists()
        ratings = [dict(rating) for rating in data["ratings"]]
        scorecard = scorecards.save_scorecard(actor=self.member, interview=data["interview"], ratings=ratings)
        scorecard = self.get_queryset().get(pk=scorecard.pk)
        return self.respond(scorecard, status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request=None, responses=s.ScorecardSerializer, summary="Submit your scorecard (final)")
    @action(detail=True, methods=["post"])
    def submit(self, request, public_id):
        scorecard = scorecards.submit_scorecard(actor=self.member, scorecard=self.get_object())
        return self.respond(self.get_queryset().get(pk=scorecard.pk))
