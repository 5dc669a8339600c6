from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = "Retention and data-subject rights"

    def ready(self):
        from django.db.models.signals import post_save

        from consent.signals import withdrawn
        from hiring.models import Decision
        from retention import panels, receivers
        from retention.portal import panels as portal_panels

        panels.register()  # "Data expiring soon" on hiring's dashboard, "Deleted on …" on the candidate page
        portal_panels.register()  # the candidate's rights-portal link on consent's pages and post-consent email
        post_save.connect(receivers.decision_saved, sender=Decision, dispatch_uid="retention.decision_saved")
        withdrawn.connect(receivers.consent_withdrawn, dispatch_uid="retention.consent_withdrawn")
