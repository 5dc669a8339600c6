from django.apps import AppConfig


class InterviewAnalyzerConfig(AppConfig):
    name = "interview_analyzer"
    verbose_name = "Interview Analyzer"

    def ready(self):
        # Trace export when the OTel environment asks for it (OPS-1); before any handler loads its middleware.
        from interview_analyzer import telemetry

        telemetry.configure()
