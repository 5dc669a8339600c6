"""Consent under ``/api/v1/consents/`` (CON-6): read the status per candidate, resend a link (rate limited).

Reads follow the candidates' visibility (ORG-4); resending needs hiring manager or above and, for API keys, the
``write`` scope, like every other write. Accepting, declining and withdrawing are the candidate's alone and exist only
on the candidate's page: no API call can record a consent.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled

from accounts import rate_limits
from consent import serializers as s
from consent import services
from consent.models import ConsentRequest
from hiring.api import HiringDomainViewSet


@extend_schema_view(list=extend_schema(parameters=[s.ConsentFilterSerializer]))
class ConsentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, HiringDomainViewSet):
    model = ConsentRequest
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
