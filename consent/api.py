"""Candidates and their consent under ``/api/v1/`` (CON-1, CON-6).

``/candidates/``: adding a candidate is consent's door, because it asks for consent in the same transaction and
emails the link (CON-1); every candidate carries its consent status. Changes to a candidate go through hiring's
services. ``/consents/``: read the status per candidate, resend a link (rate limited).

Reads follow the candidates' visibility (ORG-4); resending needs hiring manager or above and, for API keys, the
``write`` scope, like every other write. Accepting, declining and withdrawing are the candidate's alone and exist only
on the candidate's page: no API call can record a consent.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled

from accounts import rate_limits
from consent import serializers as s
from consent import services
from consent.models import ConsentRequest
from hiring import serializers as hiring_serializers
from hiring import services as hiring_services
from hiring.access_log import AccessKind, CandidateDataReads
from hiring.models import Candidate
from interview_analyzer.roles import Role
from interview_analyzer.viewsets import TenantViewSet

_INTERVIEWER_CANDIDATE_NOTE = "Interviewers receive only id, hiring, name, stage and consent (ORG-4, CON-4)."


@extend_schema_view(
    list=extend_schema(
        parameters=[hiring_serializers.CandidateFilterSerializer], description=_INTERVIEWER_CANDIDATE_NOTE
    ),
    retrieve=extend_schema(description=_INTERVIEWER_CANDIDATE_NOTE),
    create=extend_schema(request=hiring_serializers.CandidateCreateSerializer, responses={201: s.CandidateSerializer}),
    partial_update=extend_schema(request=hiring_serializers.CandidateUpdateSerializer, responses=s.CandidateSerializer),
)
class CandidateViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Candidates of the visible hirings; an interviewer sees only their interviews' candidates, reduced."""

    model = Candidate
    candidate_data_kinds = {"retrieve": AccessKind.CANDIDATE}  # LOG-1
    serializer_class = s.CandidateSerializer
    read_role = Role.INTERVIEWER
    write_role = Role.HIRING_MANAGER
    filter_serializer_class = hiring_serializers.CandidateFilterSerializer
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
        fields = self.validated(hiring_serializers.CandidateCreateSerializer)
        candidate = services.add_candidate(actor=self.member, language=request.LANGUAGE_CODE, **fields)
        return self.respond(candidate, status.HTTP_201_CREATED)

    def partial_update(self, request, public_id):
        candidate = self.get_object()
        changes = self.validated(hiring_serializers.CandidateUpdateSerializer, partial=True)
        return self.respond(hiring_services.update_candidate(actor=self.member, candidate=candidate, **changes))


@extend_schema_view(list=extend_schema(parameters=[s.ConsentFilterSerializer]))
class ConsentViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = ConsentRequest
    candidate_data_kinds = {"retrieve": AccessKind.CONSENT}  # LOG-1
    read_role = Role.INTERVIEWER  # record visibility follows the candidates' (ORG-4)
    write_role = Role.HIRING_MANAGER
    serializer_class = s.ConsentSerializer
    filter_serializer_class = s.ConsentFilterSerializer
    filter_lookups = {"hiring": "hiring__public_id", "candidate": "candidate__public_id"}

    def refine_queryset(self, queryset):
        return queryset.select_related("candidate", "hiring")

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        filters = s.ConsentFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        conditions = dict(filters.validated_data)
        status_filter = conditions.pop("status", None)
        queryset = queryset.filter(**{self.filter_lookups[name]: value for name, value in conditions.items()})
        return queryset.filter_display_status(status_filter) if status_filter else queryset

    @extend_schema(request=None, responses={200: s.ConsentSerializer}, summary="Email a new link; the old one dies")
    @action(detail=True, methods=["post"])
    def resend(self, request, public_id):
        consent = self.get_object()
        wait = rate_limits.check(request, "consent_resend", consent.public_id)
        if wait is not None:
            raise Throttled(wait=wait)
        return self.respond(services.resend(actor=self.member, consent=consent))
