from django.apps import AppConfig
from django.db.models.signals import post_migrate


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self):
        from billing import panels, plans
        from interview_analyzer import entitlements

        # BIL-2: accounts asks what a plan allows through floor 0; billing answers (it may not be imported below).
        entitlements.register(plans.entitlements_of)
        panels.register()  # INT-2: an undeliverable address on hiring's candidate page
        # The shipped plan catalogue exists after every migrate and every test flush (reference data, not logic).
        post_migrate.connect(plans.ensure_default_plans, sender=self, dispatch_uid="billing_default_plans")
