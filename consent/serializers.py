"""Serializers of consent (CON-3, CON-6), and the candidate as the API shows it: hiring's fields plus the consent
status, which every client needs before it records anything (CON-4)."""

from rest_framework import serializers

from consent.models import DISPLAY_STATUSES, ConsentRequest
from hiring import serializers as hiring_serializers


def display_status_field() -> serializers.ChoiceField:
    """The status recruiters see (CON-6): the stored one, or "expired" for an unanswered request whose link lapsed."""
    return serializers.ChoiceField(
        source="display_status",
        choices=DISPLAY_STATUSES,
        read_only=True,
        help_text="expired: still unanswered and the link has lapsed (resend it).",
    )


class ConsentSerializer(serializers.ModelSerializer):
    """A candidate's consent for their hiring (CON-3, CON-6). Links and tokens are never part of it."""

    id = serializers.CharField(source="public_id", read_only=True)
    candidate = serializers.CharField(source="candidate.public_id", read_only=True)
    hiring = serializers.CharField(source="hiring.public_id", read_only=True)
    status = display_status_field()
    decline_message = serializers.CharField(read_only=True)

    class Meta:
        model = ConsentRequest
        fields = [
            "id",
            "candidate",
            "hiring",
            "status",
            "created_at",
            "last_sent_at",
            "times_sent",
            "expires_at",
            "responded_at",
            "decline_message",
            "withdrawn_at",
            "erasure_requested_at",
        ]
        read_only_fields = fields


class ConsentFilterSerializer(serializers.Serializer):
    hiring = serializers.CharField(required=False, max_length=40, help_text="Public id of a hiring.")
    candidate = serializers.CharField(required=False, max_length=40, help_text="Public id of a candidate.")
    status = serializers.ChoiceField(choices=DISPLAY_STATUSES, required=False)


class CandidateConsentSerializer(serializers.Serializer):
    """The candidate's consent for their hiring, as recruiters see it (CON-6)."""

    id = serializers.CharField(source="public_id", read_only=True)
    status = display_status_field()
    responded_at = serializers.DateTimeField(read_only=True, allow_null=True)
    withdrawn_at = serializers.DateTimeField(read_only=True, allow_null=True)


class CandidateSerializer(hiring_serializers.CandidateSerializer):
    """Everything about a candidate, for hiring managers and above, with the consent status."""

    consent = CandidateConsentSerializer(read_only=True, allow_null=True)

    class Meta(hiring_serializers.CandidateSerializer.Meta):
        fields = [*hiring_serializers.CandidateSerializer.Meta.fields, "consent"]
        read_only_fields = fields


class CandidateForInterviewerSerializer(hiring_serializers.CandidateForInterviewerSerializer):
    """The minimum an interviewer needs (ORG-4), with the consent status: without it nothing is recorded (CON-4)."""

    consent = CandidateConsentSerializer(read_only=True, allow_null=True)

    class Meta(hiring_serializers.CandidateForInterviewerSerializer.Meta):
        fields = [*hiring_serializers.CandidateForInterviewerSerializer.Meta.fields, "consent"]
        read_only_fields = fields
