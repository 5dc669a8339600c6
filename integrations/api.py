"""The ATS endpoints and the delivery log under ``/api/v1/`` (INT-1, KEY-4, SEC-VAL).

``PUT /ats/hirings/{external_id}`` and ``PUT /ats/candidates/{external_id}`` (and ``GET`` of the same, to read
one back) need an API key with the ``ats`` scope,
and only such a key: a person's session or token, or a ``read``/``write`` key, is refused (``RolePermission``:
the ``ats`` scope is for keys only), and an ``ats``-only key can call nothing else (every other view needs
``read`` or ``write``). The key acts as the admin who created it. 201 when the call created the object, 200
otherwise; a repeated identical call changes nothing and answers the same body.

The delivery log (``/integrations/deliveries/``) is for admins: read with ``read``, replay with ``write``.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from hiring.access_log import AccessKind, CandidateDataReads
from integrations import serializers as s
from integrations import services
from integrations.models import Delivery, ExternalCandidate, ExternalHiring
from interview_analyzer.permissions import Scope
from interview_analyzer.roles import Role
from interview_analyzer.viewsets import TenantViewSet

EVERY_METHOD = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")


class _AtsViewSet(TenantViewSet):
    read_role = Role.ADMIN
    write_role = Role.ADMIN
    required_scopes = dict.fromkeys(EVERY_METHOD, Scope.ATS)

    @property
    def api_key(self):
        key = getattr(self.request.auth, "key", None)
        if key is None:  # RolePermission lets only keys through; this keeps it so if that ever changed
            raise PermissionDenied
        return key


class AtsHiringViewSet(_AtsViewSet):
    """Upsert a hiring by the ATS's id for it."""

    model = ExternalHiring
    serializer_class = s.AtsHiringSerializer

    def retrieve(self, request, external_id):
        return self.respond(
            services.find_mapping(
                actor=self.member, api_key=self.api_key, model=ExternalHiring, external_id=external_id
            )
        )

    @extend_schema(request=s.AtsHiringInput, responses={200: s.AtsHiringSerializer, 201: s.AtsHiringSerializer})
    def update(self, request, external_id):
        fields = self.validated(s.AtsHiringInput)
        mapping, created = services.upsert_hiring(
            actor=self.member, api_key=self.api_key, external_id=external_id, fields=fields
        )
        return self.respond(mapping, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AtsCandidateViewSet(_AtsViewSet):
    """Upsert a candidate by the ATS's id for them; a new one is asked for consent (CON-1)."""

    model = ExternalCandidate
    serializer_class = s.AtsCandidateSerializer

    def retrieve(self, request, external_id):
        return self.respond(
            services.find_mapping(
                actor=self.member, api_key=self.api_key, model=ExternalCandidate, external_id=external_id
            )
        )

    @extend_schema(
        request=s.AtsCandidateInput, responses={200: s.AtsCandidateSerializer, 201: s.AtsCandidateSerializer}
    )
    def update(self, request, external_id):
        person = self.validated(s.AtsCandidateInput)
        mapping, created = services.upsert_candidate(
            actor=self.member,
            api_key=self.api_key,
            external_id=external_id,
            hiring_external_id=person.pop("hiring"),
            person=person,
        )
        return self.respond(mapping, status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class DeliveryViewSet(CandidateDataReads, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """The webhook delivery log, newest first; ``replay`` sends one again."""

    model = Delivery
    candidate_data_kinds = {"retrieve": AccessKind.DELIVERY}  # the payload names the candidate (LOG-1)
    serializer_class = s.DeliverySerializer
    read_role = Role.ADMIN
    write_role = Role.ADMIN

    def refine_queryset(self, queryset):
        return queryset.select_related("endpoint", "candidate")

    @extend_schema(request=None, responses={202: s.DeliverySerializer})  # queued again, answered 202
    @action(detail=True, methods=["post"])
    def replay(self, request, public_id):
        delivery = services.replay_delivery(actor=self.member, delivery=self.get_object())
        return self.respond(delivery, status.HTTP_202_ACCEPTED)
