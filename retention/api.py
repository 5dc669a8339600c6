"""Retention under ``/api/v1/`` (RET-1, RET-2, RET-5, RET-6).

- ``GET /candidates/{id}/retention/``: when the candidate's data is deleted (hiring managers and up, as the page);
  ``PATCH`` with ``{"override_days": n | null}`` sets or clears the candidate's own period (recruiters and up).
- ``POST /candidates/{id}/erase/`` with ``{"reason": "…"}``: erase the candidate now, on a request (recruiters and
  up; API keys need ``write``); answers the deletion record. A missing reason is a 400 that erases nothing.
- ``GET /deletion-records/``: the proof of every erasure (admins).
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.response import Response

from hiring.access_log import AccessKind, record_view
from hiring.models import Candidate
from interview_analyzer.roles import Role
from interview_analyzer.viewsets import TenantViewSet
from retention import serializers as s
from retention import services
from retention.models import DeletionRecord, Trigger


class CandidateRetentionViewSet(TenantViewSet):
    model = Candidate
    candidate_data_kinds = {"retrieve": AccessKind.RETENTION}  # LOG-1
    serializer_class = s.CandidateRetentionSerializer
    read_role = Role.HIRING_MANAGER
    write_role = Role.RECRUITER

    def refine_queryset(self, queryset):
        return queryset.select_related("organization", "retention_clock")

    @extend_schema(responses=s.CandidateRetentionSerializer, summary="When the candidate's data is deleted")
    def retrieve(self, request, public_id):
        candidate = self.get_object()
        record_view(request, candidate, AccessKind.RETENTION)
        return self.respond(candidate)

    @extend_schema(request=s.CandidatePeriodInput, responses=s.CandidateRetentionSerializer)
    def partial_update(self, request, public_id):
        candidate = self.get_object()
        fields = self.validated(s.CandidatePeriodInput)
        services.set_candidate_period(actor=self.member, candidate=candidate, days=fields["override_days"])
        return self.respond(self.get_queryset().get(pk=candidate.pk))

    @extend_schema(request=s.EraseInput, responses={201: s.DeletionRecordSerializer}, summary="Erase now")
    def erase(self, request, public_id):
        candidate = self.get_object()
        fields = self.validated(s.EraseInput)
        record = services.erase_candidate(
            candidate, reason=fields["reason"], trigger=Trigger.STAFF_REQUEST, actor=self.member
        )
        return Response(s.DeletionRecordSerializer(record).data, status=status.HTTP_201_CREATED)


class DeletionRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = DeletionRecord
    serializer_class = s.DeletionRecordSerializer
    read_role = Role.ADMIN
    write_role = Role.ADMIN
