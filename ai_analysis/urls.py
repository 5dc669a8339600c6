"""Server pages of recording and review. Objects are named by public id (ORG-6), one per path."""

from django.urls import path

from ai_analysis import comparison, provider_views, scorecard_views, views

app_name = "ai_analysis"

urlpatterns = [
    path("hirings/<pid:public_id>/compare", comparison.hiring_compare, name="hiring_compare"),
    path("interviews/<pid:public_id>/record/", views.recorder, name="record"),
    path("interviews/<pid:public_id>/scorecard/", scorecard_views.interview_scorecard, name="interview_scorecard"),
    path("analyses/<pid:public_id>/", views.analysis_detail, name="analysis"),
    path("analyses/<pid:public_id>/progress/", views.analysis_progress, name="analysis_progress"),
    path("analyses/<pid:public_id>/explanation/", views.explanation, name="explanation"),
    path("analyses/<pid:public_id>/retry", views.analysis_retry, name="analysis_retry"),
    path("recordings/<pid:public_id>/audio", views.recording_audio, name="recording_audio"),
    path("recordings/<pid:public_id>/delete", views.recording_delete, name="recording_delete"),
    path("scores/<pid:public_id>/approve", views.score_approve, name="score_approve"),
    path("scores/<pid:public_id>/edit", views.score_edit, name="score_edit"),
    path("scores/<pid:public_id>/reject", views.score_reject, name="score_reject"),
    path("turns/<pid:public_id>/speaker", views.turn_speaker, name="turn_speaker"),
    path("feedback/<pid:public_id>/approve", views.feedback_approve, name="feedback_approve"),
    path("feedback/<pid:public_id>/reject", views.feedback_reject, name="feedback_reject"),
    path("settings/ai-provider/", provider_views.ai_provider, name="ai_provider"),
    path("settings/ai-provider/evaluate", provider_views.ai_provider_evaluate, name="ai_provider_evaluate"),
    path("settings/ai-provider/enable", provider_views.ai_provider_enable, name="ai_provider_enable"),
    path("settings/ai-provider/disable", provider_views.ai_provider_disable, name="ai_provider_disable"),
    path("settings/ai-provider/remove", provider_views.ai_provider_remove, name="ai_provider_remove"),
    path(
        "settings/ai-provider/evaluations/<pid:public_id>/",
        provider_views.ai_provider_evaluation,
        name="ai_provider_evaluation",
    ),
]
