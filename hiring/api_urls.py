"""Routes of the hiring API, included under ``/api/v1/``: one flat collection per resource, objects by public id.

``path()`` routes with the ``pid`` converter (registered by the project's URL configuration), so anything that is
not shaped like a public id never reaches a view, and the security matrix finds every object route (TST-1).
``/candidates/`` is served by ``consent.api``: adding a candidate is the consent app's door (CON-1).
"""

from rest_framework.routers import SimpleRouter

from hiring import api

router = SimpleRouter(use_regex_path=False)
router.register("hirings", api.HiringViewSet, basename="api-hiring")
router.register("criteria", api.CriterionViewSet, basename="api-criterion")
router.register("interviews", api.InterviewViewSet, basename="api-interview")
router.register("decisions", api.DecisionViewSet, basename="api-decision")
router.register("documents", api.DocumentViewSet, basename="api-document")

urlpatterns = router.urls
