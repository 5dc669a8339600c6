"""Routes of the retention API, included under ``/api/v1/`` (objects by public id, the ``pid`` converter)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from retention import api

router = SimpleRouter(use_regex_path=False)
router.register("deletion-records", api.DeletionRecordViewSet, basename="api-deletion-record")

urlpatterns = [
    path(
        "candidates/<pid:public_id>/retention/",
        api.CandidateRetentionViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="api-candidate-retention",
    ),
    path(
        "candidates/<pid:public_id>/erase/",
        api.CandidateRetentionViewSet.as_view({"post": "erase"}),
        name="api-candidate-erase",
    ),
    *router.urls,
]
