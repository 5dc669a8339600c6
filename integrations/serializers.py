"""Serializers of the ATS endpoints and the delivery log (SEC-VAL, SEC-MASS, ORG-6): strict input, public ids out."""

from django.conf import settings
from rest_framework import serializers

from consent.serializers import display_status_field
from hiring.models import Hiring
from integrations.models import Delivery, ExternalCandidate, ExternalHiring
from interview_analyzer.sanitize import MAX_RICH_TEXT_LENGTH
from interview_analyzer.serializers import StrictInput


class AtsHiringInput(StrictInput, serializers.Serializer):
    """A hiring as the ATS sends it. Fields left out keep their value; ``title`` is needed to create one."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=MAX_RICH_TEXT_LENGTH, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=Hiring.Status.choices, required=False)
    interview_language = serializers.ChoiceField(choices=Hiring.Language.choices, required=False)


class AtsHiringSerializer(serializers.Serializer):
    external_id = serializers.CharField(read_only=True)
    id = serializers.CharField(source="hiring.public_id", read_only=True)
    title = serializers.CharField(source="hiring.title", read_only=True)
    description = serializers.CharField(source="hiring.description", read_only=True)
    status = serializers.CharField(source="hiring.status", read_only=True)
    interview_language = serializers.CharField(source="hiring.interview_language", read_only=True)

    class Meta:
        model = ExternalHiring


class AtsCandidateInput(StrictInput, serializers.Serializer):
    """A candidate as the ATS sends it. ``language`` (of the consent email and page) counts only on creation."""

    hiring = serializers.CharField(max_length=128, help_text="The ATS's external id of the hiring (job).")
    name = serializers.CharField(max_length=200)
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    language = serializers.ChoiceField(choices=[code for code, _name in settings.LANGUAGES], required=False)


class _ConsentStatus(serializers.Serializer):
    status = display_status_field()


class AtsCandidateSerializer(serializers.Serializer):
    external_id = serializers.CharField(read_only=True)
    id = serializers.CharField(source="candidate.public_id", read_only=True)
    hiring = serializers.SerializerMethodField()
    name = serializers.CharField(source="candidate.name", read_only=True)
    email = serializers.CharField(source="candidate.email", read_only=True)
    phone = serializers.CharField(source="candidate.phone", read_only=True)
    stage = serializers.CharField(source="candidate.stage", read_only=True)
    consent = _ConsentStatus(source="candidate.consent", read_only=True)

    class Meta:
        model = ExternalCandidate

    def get_hiring(self, mapping) -> dict:
        hiring = mapping.candidate.hiring
        ref = getattr(hiring, "external_ref", None)
        return {"id": hiring.public_id, "external_id": ref.external_id if ref else None}


class DeliverySerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    endpoint = serializers.SerializerMethodField()
    body = serializers.JSONField(source="payload", read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "endpoint",
            "event",
            "status",
            "attempts",
            "last_status_code",
            "attempt_log",
            "next_retry_at",
            "delivered_at",
            "created_at",
            "body",
        ]
        read_only_fields = fields

    def get_endpoint(self, delivery) -> dict:
        return {"id": delivery.endpoint.public_id, "url": delivery.endpoint.url}
