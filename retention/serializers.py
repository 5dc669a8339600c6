"""Retention in the API: a candidate's clock, the erasure request, the deletion records (RET-1, RET-2, RET-5)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from interview_analyzer.serializers import StrictInput
from retention.models import DeletionRecord


class CandidateRetentionSerializer(serializers.Serializer):
    """A candidate's retention: when their data is deleted (``null`` until a decision starts the clock)."""

    candidate = serializers.CharField(source="public_id", read_only=True)
    delete_after = serializers.SerializerMethodField()
    clock_started_at = serializers.SerializerMethodField()
    override_days = serializers.SerializerMethodField()
    organization_days = serializers.IntegerField(source="organization.retention_days", read_only=True)

    def _clock(self, candidate):
        return getattr(candidate, "retention_clock", None) if hasattr(candidate, "retention_clock") else None

    def get_delete_after(self, candidate) -> serializers.DateTimeField:
        clock = self._clock(candidate)
        return (
            serializers.DateTimeField().to_representation(clock.delete_after) if clock and clock.delete_after else None
        )

    def get_clock_started_at(self, candidate) -> serializers.DateTimeField:
        clock = self._clock(candidate)
        return serializers.DateTimeField().to_representation(clock.decided_at) if clock and clock.decided_at else None

    def get_override_days(self, candidate) -> int | None:
        clock = self._clock(candidate)
        return clock.override_days if clock else None


class CandidatePeriodInput(StrictInput, serializers.Serializer):
    override_days = serializers.IntegerField(
        allow_null=True, min_value=1, max_value=36500, help_text=_("Days after the decision; null: the organization's.")
    )


class EraseInput(StrictInput, serializers.Serializer):
    reason = serializers.CharField(max_length=500, help_text=_("Why the data is erased (kept on the record)."))


class DeletionRecordSerializer(serializers.ModelSerializer):
    id = serializers.CharField(source="public_id", read_only=True)
    by = serializers.CharField(source="actor_label", read_only=True)
    storage_pending = serializers.SerializerMethodField()

    class Meta:
        model = DeletionRecord
        fields = [
            "id",
            "trigger",
            "reason",
            "by",
            "erased_at",
            "counts",
            "references_cleared",
            "storage_objects",
            "storage_objects_removed",
            "storage_pending",
            "storage_confirmed_at",
            "public_ids_digest",
            "public_id_count",
        ]
        read_only_fields = fields

    def get_storage_pending(self, record) -> int:
        return max(record.storage_objects - record.storage_objects_removed, 0) if not record.storage_confirmed_at else 0
