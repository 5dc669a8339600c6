from rest_framework.routers import SimpleRouter

from consent import api

router = SimpleRouter(use_regex_path=False)
router.register("candidates", api.CandidateViewSet, basename="api-candidate")
router.register("consents", api.ConsentViewSet, basename="api-consent")

urlpatterns = router.urls
