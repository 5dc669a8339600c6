"""The hiring API under ``/api/v1/`` (ORG-4, ORG-5, ORG-6, SEC-VAL, SEC-MASS).

Every view set stands on ``TenantViewSet``: rows come from ``visible_to(member)`` and are looked up by public id, so
another organization's object is a 404. Reads need the interviewer role (record visibility does the rest), writes
need hiring manager, and every write is a call to ``hiring.services``, which checks the rules again. API keys need
the ``read`` scope for GET and ``write`` for the rest (``RolePermission``'s default).
"""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.settings import api_settings

from consent import services as consent_services
from hiring import serializers as s
from hiring import services
from hiring.models import Candidate, Criterion, Decision, Document, Hiring, Interview
from interview_analyzer.middleware import max_request_bytes
from interview_analyzer.roles import Role
from interview_analyzer.viewsets import TenantViewSet


def _validation_detail(error: DjangoValidationError):
    """A service's ``ValidationError`` in the shape DRF answers with: per field when it names fields."""
    if hasattr(error, "error_dict"):
        return {
            (api_settings.NON_FIELD_ERRORS_KEY if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    return error.messages


class HiringDomainViewSet(TenantViewSet):
    """What every hiring view set shares: roles per method, the member in the serializer context, service errors
    as 400/403 JSON, and a 404 before a 405 for an object the caller cannot see."""

    lookup_value_converter = "pid"  # ``path()`` routes with the project's public-id converter
    filter_serializer_class = None
    # query parameter -> ORM lookup, applied to lists only, on top of the visible rows
    filter_lookups: dict[str, str] = {}

    @property
    def required_role(self):
        return Role.INTERVIEWER if self.request.method in SAFE_METHODS else Role.HIRING_MANAGER

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "member": self.member}

    def validated(self, serializer_class, **kwargs) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def respond(self, instance, status_code=status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(instance).data, status=status_code)

    def filter_queryset(self, queryset):
        if self.action != "list" or self.filter_serializer_class is None:
            return queryset
        filters = self.filter_serializer_class(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        conditions = {self.filter_lookups[name]: value for name, value in filters.validated_data.items()}
        return queryset.filter(**conditions)

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = exceptions.ValidationError(_validation_detail(exc))
        return super().handle_exception(exc)  # Django's PermissionDenied becomes 403, Http404 404

    def http_method_not_allowed(self, request, *args, **kwargs):
        """A method the object does not take is 405 only for an object the caller may see; otherwise 404 (ORG-5)."""
        if (self.lookup_url_kwarg or self.lookup_field) in kwargs:
            self.get_object()
        return super().http_method_not_allowed(request, *args, **kwargs)


# --- Hirings --------------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[s.HiringFilterSerializer]),
)
class HiringViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, HiringDomainViewSet):
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
class CriterionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, HiringDomainViewSet):
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


# --- Candidates -----------------------------------------------------------------------------------------------------

_INTERVIEWER_CANDIDATE_NOTE = "Interviewers receive only id, hiring, name, stage and consent (ORG-4, CON-4)."


@extend_schema_view(
    list=extend_schema(parameters=[s.CandidateFilterSerializer], description=_INTERVIEWER_CANDIDATE_NOTE),
    retrieve=extend_schema(description=_INTERVIEWER_CANDIDATE_NOTE),
    create=extend_schema(request=s.CandidateCreateSerializer, responses={201: s.CandidateSerializer}),
    partial_update=extend_schema(request=s.CandidateUpdateSerializer, responses=s.CandidateSerializer),
)
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, HiringDomainViewSet):
    """Candidates of the visible hirings; an interviewer sees only their interviews' candidates, reduced."""

    model = Candidate
    serializer_class = s.CandidateSerializer
    filter_serializer_class = s.CandidateFilterSerializer
    filter_lookups = {"hiring": "hiring__public_id", "stage": "stage"}

    def get_serializer_class(self):
        if getattr(self, "swagger_fake_view", False):  # the schema documents the full form
            return s.CandidateSerializer
        member = self.member
        if member is None or not member.has_role(Role.HIRING_MANAGER):
            return s.CandidateForInterviewerSerializer
        return s.CandidateSerializer

    def refine_queryset(self, queryset):
        return queryset.select_related("hiring", "created_by", "consent")

    def create(self, request):
        # Adding a candidate asks for their consent in the same transaction (CON-1).
        fields = self.validated(s.CandidateCreateSerializer)
        candidate = consent_services.add_candidate(actor=self.member, language=request.LANGUAGE_CODE, **fields)
        return self.respond(candidate, status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        candidate = self.get_object()
        changes = self.validated(s.CandidateUpdateSerializer, partial=True)
        return self.respond(services.update_candidate(actor=self.member, candidate=candidate, **changes))


# --- Interviews -----------------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[s.InterviewFilterSerializer]),
    create=extend_schema(request=s.InterviewCreateSerializer, responses={201: s.InterviewSerializer}),
    partial_update=extend_schema(
        request=s.InterviewReassignSerializer, responses=s.InterviewSerializer, summary="Reassign the interview"
    ),
)
class InterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, HiringDomainViewSet):
    """Interviews; an interviewer sees only the ones assigned to them (ORG-4)."""

    model = Interview
    serializer_class = s.InterviewSerializer
    filter_serializer_class = s.InterviewFilterSerializer
    filter_lookups = {"candidate": "candidate__public_id", "hiring": "candidate__hiring__public_id", "status": "status"}

    def refine_queryset(self, queryset):
        return queryset.select_related("candidate__hiring", "interviewer")

    def create(self, request):
        interview = services.schedule_interview(actor=self.member, **self.validated(s.InterviewCreateSerializer))
        return self.respond(interview, status.HTTP_201_CREATED)

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
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, HiringDomainViewSet):
    """Hiring decisions: recorded by a person with a reason, never by the system (AI-3); they cannot be edited."""

    model = Decision
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
class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, HiringDomainViewSet):
    """Candidate documents (SEC-UP): uploaded as multipart, checked and stored by ``services.upload_document``.
    Interviewers see none."""

    model = Document
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
