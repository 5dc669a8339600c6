from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Retention and data-subject rights"

    def ready(self):
        from retention import panels

        panels.register()  # "Data expiring soon" on hiring's dashboard
