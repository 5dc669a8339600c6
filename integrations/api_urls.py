"""Routes of the integrations API, included under ``/api/v1/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from integrations import api

router = SimpleRouter(use_regex_path=False)
router.register("integrations/deliveries", api.DeliveryViewSet, basename="api-delivery")

urlpatterns = [
    path(
        "ats/hirings/<str:external_id>",
        api.AtsHiringViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="api-ats-hiring",
    ),
    path(
        "ats/candidates/<str:external_id>",
        api.AtsCandidateViewSet.as_view({"get": "retrieve", "put": "update"}),
        name="api-ats-candidate",
    ),
    *router.urls,
]
