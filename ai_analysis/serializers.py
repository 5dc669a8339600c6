from rest_framework import serializers

from ai_analysis.models import (
    Analysis,
    AnalysisStep,
    Evidence,
    Feedback,
    Recording,
    Score,
    Scorecard,
    ScorecardRating,
    TranscriptTurn,
)
from hiring.models import Interview
from interview_analyzer.serializers import PublicIdRelatedField, StrictInput, public_id_of


class RecordingStartSerializer(StrictInput, serializers.Serializer):
    interview = PublicIdRelatedField(Interview, help_text="Public id of the interview being recorded.")


class RecordingSerializer(serializers.ModelSerializer):
    """A recording and which chunks the server holds, so a client can resume after a network drop."""

    id = serializers.CharField(source="public_id", read_only=True)
    interview = public_id_of("interview")
    received_chunks = serializers.SerializerMethodField(help_text="Indexes of the chunks stored so far.")
    latest_analysis = serializers.SerializerMethodField()

    class Meta:
        model = Recording
        fields = [
            "id",
            "interview",
            "status",
            "received_chunks",
            "total_bytes",
            "chunk_count",
            "duration_seconds",
            "created_at",
            "completed_at",
            "latest_analysis",
        ]
        read_only_fields = fields

    def get_received_chunks(self, recording) -> list[int]:
        return list(recording.chunks.values_list("index", flat=True))

    def get_latest_analysis(self, recording) -> str | None:
        latest = recording.analyses.order_by("-created_at", "-pk").first()
        return latest.public_id if latest else None


class ChunkReceiptSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    stored = serializers.BooleanField(help_text="False when this exact chunk was already stored (idempotent resend).")


class CompleteSerializer(StrictInput, serializers.Serializer):
    chunk_count = serializers.IntegerField(min_value=1, help_text="How many chunks (0 … chunk_count-1) make it up.")


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnalysisStep
        fields = ["name", "status", "attempts", "started_at", "finished_at", "failure_reason"]
        read_only_fields = fields


class AnalysisSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    interview = public_id_of("interview")
    recording = public_id_of("recording")
    steps = StepSerializer(many=True, read_only=True)

    class Meta:
        model = Analysis
        fields = [
            "id",
            "interview",
            "recording",
            "status",
            "failure_reason",
            "provider",
            "model",
            "prompt_version",
            "criteria_version",
            "speech_engine",
            "speaker_confidence",
            "created_at",
            "finished_at",
            "steps",
        ]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    turn = public_id_of("turn")

    class Meta:
        model = Evidence
        fields = ["turn", "quote", "start_s", "end_s"]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    analysis = public_id_of("analysis")
    criterion = public_id_of("criterion")
    evidence = EvidenceSerializer(many=True, read_only=True)
    reviewed_by = public_id_of("reviewed_by", allow_null=True)
    basis = serializers.SerializerMethodField(
        help_text='"quotes" when the score rests on quoted evidence; "reviewer_judgement" when a person set it '
        "without any quote; null for insufficient evidence."
    )

    class Meta:
        model = Score
        fields = [
            "id",
            "analysis",
            "criterion",
            "criterion_name",
            "value",
            "rationale",
            "machine_value",
            "machine_rationale",
            "status",
            "edited",
            "needs_recheck",
            "reviewed_by",
            "reviewed_at",
            "evidence",
            "basis",
        ]
        read_only_fields = fields

    def get_basis(self, score) -> str | None:
        return basis_of(score)


def basis_of(score) -> str | None:
    if score.value is None:
        return None
    return "reviewer_judgement" if score.is_reviewer_judgement(len(score.evidence.all())) else "quotes"


class ScoreEditSerializer(StrictInput, serializers.Serializer):
    value = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    rationale = serializers.CharField(max_length=5000)
    quotes = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=20,
        help_text="Public ids of the candidate's turns the score rests on, quoted verbatim with their times. "
        "Omit to keep the evidence; an empty list makes the score the reviewer's judgement.",
    )


class TurnSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    analysis = public_id_of("analysis")

    class Meta:
        model = TranscriptTurn
        fields = [
            "id",
            "analysis",
            "index",
            "speaker",
            "machine_speaker",
            "speaker_confidence",
            "start_s",
            "end_s",
            "text",
            "corrected_at",
        ]
        read_only_fields = fields


class SpeakerSerializer(StrictInput, serializers.Serializer):
    speaker = serializers.ChoiceField(choices=["interviewer", "candidate"])


class FeedbackSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    analysis = public_id_of("analysis")

    class Meta:
        model = Feedback
        fields = ["id", "analysis", "audience", "text", "used_fallback", "status", "edited", "reviewed_at"]
        read_only_fields = fields


class FeedbackApproveSerializer(StrictInput, serializers.Serializer):
    text = serializers.CharField(max_length=5000, required=False, help_text="An edited text; omit to approve as is.")


class ExplanationScoreSerializer(serializers.ModelSerializer):
    """RET-7: how an approved score was reached, with the evidence quoted and where it was said."""

    criterion = public_id_of("criterion")
    evidence = EvidenceSerializer(many=True, read_only=True)
    basis = serializers.SerializerMethodField(help_text='"quotes" or "reviewer_judgement" (no quote supports it).')

    class Meta:
        model = Score
        fields = ["criterion", "criterion_name", "value", "rationale", "edited", "reviewed_at", "evidence", "basis"]
        read_only_fields = fields

    def get_basis(self, score) -> str | None:
        return basis_of(score)


class ExplanationSerializer(serializers.Serializer):
    analysis = serializers.CharField()
    interview = serializers.CharField()
    provider = serializers.CharField()
    model = serializers.CharField()
    prompt_version = serializers.CharField()
    criteria_version = serializers.IntegerField()
    scores = ExplanationScoreSerializer(many=True)


class AnalysisFilterSerializer(serializers.Serializer):
    interview = serializers.CharField(required=False, max_length=40, help_text="Public id of an interview.")


class AnalysisChildFilterSerializer(serializers.Serializer):
    analysis = serializers.CharField(required=False, max_length=40, help_text="Public id of an analysis.")


class ScorecardRatingInput(StrictInput, serializers.Serializer):
    criterion = serializers.CharField(max_length=40, help_text="Public id of one of the hiring's criteria.")
    value = serializers.IntegerField(min_value=1, max_value=5, allow_null=True, help_text="1–5, or null: no evidence.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    quotes = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        default=list,
        max_length=20,
        help_text="Public ids of the candidate's turns in the interview's analysis, quoted verbatim with their time.",
    )


class ScorecardSaveSerializer(StrictInput, serializers.Serializer):
    interview = PublicIdRelatedField(Interview, help_text="Public id of the interview you ran.")
    ratings = ScorecardRatingInput(many=True, help_text="One rating per criterion of the hiring.")


class ScorecardRatingSerializer(serializers.ModelSerializer):
    criterion = public_id_of("criterion")

    class Meta:
        model = ScorecardRating
        fields = ["criterion", "criterion_name", "value", "note", "quotes"]
        read_only_fields = fields


class ScorecardSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    interview = public_id_of("interview")
    candidate = public_id_of("interview.candidate")
    analysis = public_id_of("analysis", allow_null=True)
    author = public_id_of("author", allow_null=True)
    ratings = ScorecardRatingSerializer(many=True, read_only=True)

    class Meta:
        model = Scorecard
        fields = [
            "id",
            "interview",
            "candidate",
            "analysis",
            "author",
            "author_email",
            "status",
            "created_at",
            "updated_at",
            "submitted_at",
            "ratings",
        ]
        read_only_fields = fields


class ScorecardFilterSerializer(serializers.Serializer):
    interview = serializers.CharField(required=False, max_length=40, help_text="Public id of an interview.")
    candidate = serializers.CharField(required=False, max_length=40, help_text="Public id of a candidate.")
