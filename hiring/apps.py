from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "hiring"
    verbose_name = "Hiring"

    def ready(self):
        from hiring.access_log import panels

        panels.register()  # "Access log" in the organization settings menu, for admins (LOG-1)
