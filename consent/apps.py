from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "consent"
    verbose_name = "Consent"

    def ready(self):
        from consent import panels

        panels.register()  # the consent card and "Consents pending" on hiring's pages
