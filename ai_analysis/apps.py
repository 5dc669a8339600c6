from django.apps import AppConfig


class AiAnalysisConfig(AppConfig):
    name = "ai_analysis"
    verbose_name = "AI analysis"
