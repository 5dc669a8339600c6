from rest_framework.routers import SimpleRouter

from ai_analysis import api

router = SimpleRouter(use_regex_path=False)
router.register("recordings", api.RecordingViewSet, basename="api-recording")
router.register("analyses", api.AnalysisViewSet, basename="api-analysis")
router.register("scores", api.ScoreViewSet, basename="api-score")
router.register("turns", api.TurnViewSet, basename="api-turn")
router.register("feedback", api.FeedbackViewSet, basename="api-feedback")
router.register("scorecards", api.ScorecardViewSet, basename="api-scorecard")

urlpatterns = router.urls
