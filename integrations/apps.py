from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "integrations"
    verbose_name = "Integrations (ATS connector, outbound webhooks)"

    def ready(self):
        from integrations import receivers

        receivers.connect()
