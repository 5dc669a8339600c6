from django.apps import AppConfig


class AiAnalysisConfig(AppConfig):
    name = "ai_analysis"
    verbose_name = "AI analysis"

    def ready(self):
        from ai_analysis import panels

        panels.register()  # "Recording and analysis" on hiring's interview page
