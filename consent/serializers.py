from rest_framework import serializers

from consent.models import DISPLAY_STATUSES, ConsentRequest


class ConsentSerializer(serializers.ModelSerializer):
    """A candidate's consent for their hiring (CON-3, CON-6). Links and tokens are never part of it."""

    id = serializers.CharField(source="public_id", read_only=True)
    candidate = serializers.CharField(source="candidate.public_id", read_only=True)
    hiring = serializers.CharField(source="hiring.public_id", read_only=True)
    status = serializers.ChoiceField(
        source="display_status",
        choices=DISPLAY_STATUSES,
        read_only=True,
        help_text="expired: still unanswered and the link has lapsed (resend it).",
    )
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
