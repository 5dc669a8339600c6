from django.apps import AppConfig


class InterviewAnalyzerConfig(AppConfig):
    name = "interview_analyzer"
    verbose_name = "Interview Analyzer"
