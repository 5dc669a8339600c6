"""Serializers of the hiring API (SEC-VAL, SEC-MASS, ORG-6): they validate and shape; services decide.

Output serializers name every field they show. ``id`` is the object's public id and every foreign key is the
related object's public id: no primary key ever reaches JSON. Input serializers (and ``HiringSerializer``, which
serves both ways) list exactly what a client may write and answer 400 for any other key (``StrictInput``);
organization, owner, ids, ``criteria_version``, ``created_by``, ``decided_by`` and the decision stages are never
among them. Foreign keys in a body are public ids resolved only among the rows the caller may see
(``PublicIdRelatedField``), so another organization's id, or one the caller may not see, is "does not exist",
exactly like an id that was never issued (ORG-4, ORG-5).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Membership
from hiring import services
from hiring.forms import validate_interview_time
from hiring.models import Candidate, Criterion, Decision, Document, Hiring, Interview, InterviewQuestion, Stage
from interview_analyzer.serializers import PublicIdRelatedField, StrictInput, public_id_of

# The stages a person may set by hand; hired, rejected and withdrawn are decisions, recorded with a reason (AI-3).
SETTABLE_STAGES = [(stage.value, stage.label) for stage in Stage if stage.value not in Decision.Outcome.values]


# --- Hirings --------------------------------------------------------------------------------------------------------


class HiringSerializer(StrictInput, serializers.ModelSerializer):
    """A hiring. Clients write title, description, status and interview language only; the service sanitizes the
    description (SEC-HTML).

    One serializer for reading and writing, so the hiring's ``status`` is one enum in the schema.
    """

    id = serializers.CharField(source="public_id", read_only=True)
    owner = public_id_of("owner", allow_null=True, help_text="Public id of the owning membership.")

    class Meta:
        model = Hiring
        fields = [
            "id",
            "title",
            "description",
            "status",
            "interview_language",
            "owner",
            "criteria_version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["criteria_version", "created_at", "updated_at"]


class HiringFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Hiring.Status.choices, required=False)
    search = serializers.CharField(required=False, max_length=200, help_text="Part of the title.")


# --- Criteria -------------------------------------------------------------------------------------------------------


class InterviewQuestionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)

    class Meta:
        model = InterviewQuestion
        fields = ["id", "text", "position"]
        read_only_fields = fields


class CriterionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    hiring = public_id_of("hiring")
    questions = InterviewQuestionSerializer(many=True, read_only=True)

    class Meta:
        model = Criterion
        # The service's list of criterion fields is the one source of what a criterion holds.
        fields = ["id", "hiring", *services.CRITERION_FIELDS, "questions"]
        read_only_fields = fields


class CriterionUpdateSerializer(StrictInput, serializers.ModelSerializer):
    weight = serializers.IntegerField(min_value=1, max_value=5, required=False)

    class Meta:
        model = Criterion
        fields = [
            "name",
            "description",
            "good_evidence",
            "weight",
            "anchor_1",
            "anchor_2",
            "anchor_3",
            "anchor_4",
            "anchor_5",
            "position",
        ]


class CriterionCreateSerializer(CriterionUpdateSerializer):
    hiring = PublicIdRelatedField(Hiring, help_text="Public id of the hiring.")

    class Meta(CriterionUpdateSerializer.Meta):
        fields = ["hiring", *CriterionUpdateSerializer.Meta.fields]


class CriterionFilterSerializer(serializers.Serializer):
    hiring = serializers.CharField(required=False, max_length=40, help_text="Public id of a hiring.")


# --- Candidates -----------------------------------------------------------------------------------------------------


class CandidateSerializer(serializers.ModelSerializer):
    """Everything about a candidate, for hiring managers and above."""

    id = serializers.CharField(source="public_id", read_only=True)
    hiring = public_id_of("hiring")
    created_by = public_id_of("created_by", allow_null=True, help_text="Public id of the membership.")

    class Meta:
        model = Candidate
        fields = [
            "id",
            "hiring",
            "name",
            "email",
            "phone",
            "notes",
            "stage",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CandidateForInterviewerSerializer(serializers.ModelSerializer):
    """The minimum an interviewer needs to run an interview (ORG-4): no email, phone or notes. The API adds the
    consent status (``consent.serializers``), because without it there is nothing to record (CON-4)."""

    id = serializers.CharField(source="public_id", read_only=True)
    hiring = public_id_of("hiring")

    class Meta:
        model = Candidate
        fields = ["id", "hiring", "name", "stage"]
        read_only_fields = fields


class CandidateCreateSerializer(StrictInput, serializers.ModelSerializer):
    hiring = PublicIdRelatedField(Hiring, help_text="Public id of the hiring.")

    class Meta:
        model = Candidate
        fields = ["hiring", "name", "email", "phone", "notes"]


class CandidateUpdateSerializer(StrictInput, serializers.ModelSerializer):
    stage = serializers.ChoiceField(
        choices=SETTABLE_STAGES,
        required=False,
        error_messages={
            "invalid_choice": _(
                '"{input}" cannot be set here: hired, rejected and withdrawn are recorded as decisions, with a reason.'
            )
        },
    )

    class Meta:
        model = Candidate
        fields = ["name", "email", "phone", "notes", "stage"]


class CandidateFilterSerializer(serializers.Serializer):
    hiring = serializers.CharField(required=False, max_length=40, help_text="Public id of a hiring.")
    stage = serializers.ChoiceField(choices=Stage.choices, required=False)


# --- Interviews -----------------------------------------------------------------------------------------------------


class InterviewSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    candidate = public_id_of("candidate")
    hiring = public_id_of("candidate.hiring")
    interviewer = public_id_of("interviewer", allow_null=True, help_text="Public id of the membership.")
    closed_by = public_id_of("closed_by", allow_null=True, help_text="Who completed or cancelled it (membership).")

    class Meta:
        model = Interview
        fields = [
            "id",
            "candidate",
            "hiring",
            "interviewer",
            "scheduled_at",
            "duration_minutes",
            "status",
            "created_at",
            "logged_as_held",
            "closed_at",
            "closed_by",
            "closed_by_email",
            "closed_automatically",
            "cancel_reason",
        ]
        read_only_fields = fields


class InterviewCreateSerializer(StrictInput, serializers.ModelSerializer):
    candidate = PublicIdRelatedField(Candidate, help_text="Public id of the candidate.")
    interviewer = PublicIdRelatedField(Membership, help_text="Public id of the interviewer's membership.")
    scheduled_at = serializers.DateTimeField(
        validators=[validate_interview_time],
        help_text="From the year 2000 to five years ahead; for a held interview, not in the future.",
    )
    duration_minutes = serializers.IntegerField(min_value=5, max_value=480, default=45)
    held = serializers.BooleanField(
        default=False,
        help_text="True logs an interview that already took place (scheduled_at is then when it was held, not in "
        "the future); it is created completed, and its recording can be uploaded.",
    )

    class Meta:
        model = Interview
        fields = ["candidate", "interviewer", "scheduled_at", "duration_minutes", "held"]


class InterviewCancelSerializer(StrictInput, serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class InterviewReassignSerializer(StrictInput, serializers.Serializer):
    """The one change an interview takes through the API: another interviewer."""

    interviewer = PublicIdRelatedField(Membership, help_text="Public id of the new interviewer's membership.")


class InterviewFilterSerializer(serializers.Serializer):
    candidate = serializers.CharField(required=False, max_length=40, help_text="Public id of a candidate.")
    hiring = serializers.CharField(required=False, max_length=40, help_text="Public id of a hiring.")
    status = serializers.ChoiceField(choices=Interview.Status.choices, required=False)


# --- Decisions ------------------------------------------------------------------------------------------------------


class DecisionSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    candidate = public_id_of("candidate")
    hiring = public_id_of("candidate.hiring")
    decided_by = public_id_of("decided_by", allow_null=True, help_text="Public id of the user who decided.")

    class Meta:
        model = Decision
        fields = ["id", "candidate", "hiring", "outcome", "reason", "decided_by", "decided_by_email", "decided_at"]
        read_only_fields = fields


class DecisionCreateSerializer(StrictInput, serializers.Serializer):
    """A person records a decision with a reason (AI-3); who decided is the caller, never a field."""

    candidate = PublicIdRelatedField(Candidate, help_text="Public id of the candidate.")
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    reason = serializers.CharField(max_length=5000)


class DecisionFilterSerializer(serializers.Serializer):
    candidate = serializers.CharField(required=False, max_length=40, help_text="Public id of a candidate.")
    hiring = serializers.CharField(required=False, max_length=40, help_text="Public id of a hiring.")


# --- Documents ------------------------------------------------------------------------------------------------------


class DocumentSerializer(serializers.ModelSerializer):
    """A document's metadata; the stored name is generated and never shown (SEC-UP)."""

    id = serializers.CharField(source="public_id", read_only=True)
    candidate = public_id_of("candidate")
    uploaded_by = public_id_of("uploaded_by", allow_null=True, help_text="Public id of the membership.")

    class Meta:
        model = Document
        fields = ["id", "candidate", "original_name", "content_type", "size", "uploaded_by", "created_at"]
        read_only_fields = fields


class DocumentUploadSerializer(StrictInput, serializers.Serializer):
    """Size, type (from the bytes) and quota are the service's checks (SEC-UP)."""

    candidate = PublicIdRelatedField(Candidate, help_text="Public id of the candidate.")
    file = serializers.FileField(allow_empty_file=False)


class DocumentFilterSerializer(serializers.Serializer):
    candidate = serializers.CharField(required=False, max_length=40, help_text="Public id of a candidate.")
