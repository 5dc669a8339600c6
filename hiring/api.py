"""The hiring API under ``/api/v1/`` (ORG-4, ORG-5, ORG-6, SEC-VAL, SEC-MASS).

Every view set stands on ``TenantViewSet``: rows come from ``visible_to(member)`` and are looked up by public id, so
another organization's object is a 404. Reads need the interviewer role (record visibility does the rest), writes
need hiring manager, and every write is a call to ``hiring.services``, which checks the rules again. API keys need
the ``read`` scope for GET and ``write`` for the rest (``RolePermission``'s default).
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from hiring import serializers as s
from hiring import services
from hiring.access_log import AccessKind, CandidateDataReads
from hiring.models import Criterion, Decision, Document, Hiring, Interview
from interview_analyzer.middleware import max_request_bytes
from interview_analyzer.roles import Role
from interview_analyzer.viewsets import TenantViewSet


class _HiringViewSet(TenantViewSet):
    """The hiring domain's roles: everyone reads what they may see; hiring managers and up write (ORG-3)."""

    read_role = Role.INTERVIEWER
    write_role = Role.HIRING_MANAGER


# --- Hirings --------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[s.HiringFilterSerializer]),
)
class HiringViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _HiringViewSet):
    """Hirings: the ones the caller may see (ORG-4); created and changed by hiring managers and above."""

    model = Hiring
    serializer_class = s.HiringSerializer
    filter_serializer_class = s.HiringFilterSerializer
    filter_lookups = {"status": "status", "search": "title__icontains"}

    def refine_queryset(self, queryset):
        return queryset.select_related("owner")

    def create(self, request):
        hiring = services.create_hiring(actor=self.member, **self.validated(s.HiringSerializer))
        return self.respond(hiring, status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        hiring = self.get_object()
        changes = self.validated(s.HiringSerializer, partial=True)
        return self.respond(services.update_hiring(actor=self.member, hiring=hiring, **changes))


# --- Criteria -------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[s.CriterionFilterSerializer]),
    create=extend_schema(request=s.CriterionCreateSerializer, responses={201: s.CriterionSerializer}),
    partial_update=extend_schema(request=s.CriterionUpdateSerializer, responses=s.CriterionSerializer),
)
class CriterionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, _HiringViewSet):
    """Evaluation criteria with their interview questions; every change makes a new criteria version."""

    model = Criterion
    serializer_class = s.CriterionSerializer
    filter_serializer_class = s.CriterionFilterSerializer
    filter_lookups = {"hiring": "hiring__public_id"}

    def refine_queryset(self, queryset):
        # The questions of a visible criterion are visible with it; one query for the whole page.
        return queryset.select_related("hiring").prefetch_related("questions")

    def create(self, request):
        fields = self.validated(s.CriterionCreateSerializer)
        criterion = services.add_criterion(actor=self.member, hiring=fields.pop("hiring"), **fields)
        return self.respond(criterion, status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        criterion = self.get_object()
        changes = self.validated(s.CriterionUpdateSerializer, partial=True)
        return self.respond(services.update_criterion(actor=self.member, criterion=criterion, **changes))

    def destroy(self, request, public_id):
        services.delete_criterion(actor=self.member, criterion=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Interviews -----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[s.InterviewFilterSerializer]),
    create=extend_schema(request=s.InterviewCreateSerializer, responses={201: s.InterviewSerializer}),
    partial_update=extend_schema(
        request=s.InterviewReassignSerializer, responses=s.InterviewSerializer, summary="Reassign the interview"
    ),
)
class InterviewViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, _HiringViewSet):
    """Interviews; an interviewer sees only the ones assigned to them (ORG-4)."""

    model = Interview
    candidate_data_kinds = {"retrieve": AccessKind.INTERVIEW}
    serializer_class = s.InterviewSerializer
    filter_serializer_class = s.InterviewFilterSerializer
    filter_lookups = {"candidate": "candidate__public_id", "hiring": "candidate__hiring__public_id", "status": "status"}

    def refine_queryset(self, queryset):
        return queryset.select_related("candidate__hiring", "interviewer", "closed_by")

    def create(self, request):
        fields = self.validated(s.InterviewCreateSerializer)
        if fields.pop("held"):
            fields["held_at"] = fields.pop("scheduled_at")
            interview = services.log_held_interview(actor=self.member, **fields)
        else:
            interview = services.schedule_interview(actor=self.member, **fields)
        return self.respond(interview, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=s.InterviewSerializer, summary="Mark the interview held")
    @action(detail=True, methods=["post"], write_role=Role.INTERVIEWER)
    def complete(self, request, public_id):
        """Its interviewer or whoever manages the hiring; 409 when it is already completed or cancelled."""
        return self.respond(services.complete_interview(actor=self.member, interview=self.get_object()))

    @extend_schema(request=s.InterviewCancelSerializer, responses=s.InterviewSerializer, summary="Cancel")
    @action(detail=True, methods=["post"])
    def cancel(self, request, public_id):
        interview = self.get_object()
        reason = self.validated(s.InterviewCancelSerializer)["reason"]
        return self.respond(services.cancel_interview(actor=self.member, interview=interview, reason=reason))

    def partial_update(self, request, public_id):
        interview = self.get_object()
        interviewer = self.validated(s.InterviewReassignSerializer)["interviewer"]
        return self.respond(
            services.reassign_interview(actor=self.member, interview=interview, interviewer=interviewer)
        )


# --- Decisions ------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[s.DecisionFilterSerializer]),
    create=extend_schema(request=s.DecisionCreateSerializer, responses={201: s.DecisionSerializer}),
)
class DecisionViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, _HiringViewSet):
    """Hiring decisions: recorded by a person with a reason, never by the system (AI-3); they cannot be edited."""

    model = Decision
    candidate_data_kinds = {"retrieve": AccessKind.DECISION}
    serializer_class = s.DecisionSerializer
    filter_serializer_class = s.DecisionFilterSerializer
    filter_lookups = {"candidate": "candidate__public_id", "hiring": "candidate__hiring__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("candidate__hiring", "decided_by")

    def create(self, request):
        decision = services.record_decision(actor=self.member, **self.validated(s.DecisionCreateSerializer))
        return self.respond(decision, status.HTTP_201_CREATED)


# --- Documents ------------------------------------------------------------------------------------------------------


@max_request_bytes(settings.UPLOAD_REQUEST_MAX_BYTES)
@extend_schema_view(
    list=extend_schema(parameters=[s.DocumentFilterSerializer]),
    create=extend_schema(
        request={"multipart/form-data": s.DocumentUploadSerializer}, responses={201: s.DocumentSerializer}
    ),
)
class DocumentViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, _HiringViewSet):
    """Candidate documents (SEC-UP): uploaded as multipart, checked and stored by ``services.upload_document``.
    Interviewers see none."""

    model = Document
    candidate_data_kinds = {"retrieve": AccessKind.DOCUMENT}
    serializer_class = s.DocumentSerializer
    parser_classes = [MultiPartParser]
    filter_serializer_class = s.DocumentFilterSerializer
    filter_lookups = {"candidate": "candidate__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("candidate", "uploaded_by")

    def create(self, request):
        fields = self.validated(s.DocumentUploadSerializer)
        document = services.upload_document(actor=self.member, candidate=fields["candidate"], uploaded=fields["file"])
        return self.respond(document, status.HTTP_201_CREATED)

    def destroy(self, request, public_id):
        services.delete_document(actor=self.member, document=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
