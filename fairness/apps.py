from django.apps import AppConfig


class FairnessConfig(AppConfig):
    name = "fairness"
    verbose_name = "Fairness (voluntary self-identification, bias report)"

    def ready(self):
        from fairness import panels

        panels.register()  # the voluntary section of the candidate's rights portal, the settings menu entry (FAIR-1)
