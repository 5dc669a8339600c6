from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and organizations"

    def ready(self):
        from accounts import mfa, schema  # noqa: F401  (schema registers the OpenAPI descriptions of our credentials)

        mfa.connect_audit_receivers()  # allauth reports MFA enrolment and removal by signal (MFA-1 audit)


class OperatorsAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with the operators' site (rate-limited sign-in) as ``admin.site``."""

    default = False  # AccountsConfig stays the default config of ``accounts``

    default_site = "accounts.admin_site.OperatorsAdminSite"
