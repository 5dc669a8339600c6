"""allauth's account adapter: every link allauth emails is built on ``SITE_URL``, never on the request's Host.

Found from outside: password-reset, verification and "you already have an account" emails built their links from
the request's Host header, and any port of an allowed host passes ``ALLOWED_HOSTS`` — so a request with
``Host: 127.0.0.1:6666`` (or, behind a permissive proxy, a hostile name) sent a user a link to somewhere else
(Host-header poisoning of emailed links). The product's own emails (invitations, consent) already use ``SITE_URL``;
this puts allauth's on the same base. Production refuses to start without ``SITE_URL`` (settings).

Reset links name the user by the random part of their public id, never by allauth's base36 database id (ORG-6: no
primary key leaves the server); ``PublicIdUserTokenForm`` (``ACCOUNT_FORMS["user_token"]``) reads it back.
"""

import re
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import UserTokenForm
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import User


def on_site_url(url: str) -> str:
    """``url`` with its scheme and host replaced by ``SITE_URL``'s (path, query and fragment kept)."""
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    base_path = site.path.rstrip("/")
    return urlunsplit((site.scheme, site.netloc, base_path + parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Rebase every absolute link handed to an email template (``activate_url``, ``password_reset_url``,
        ``signup_url``, …) on ``SITE_URL``."""
        context = dict(context)
        for name, value in context.items():
            if name.endswith("_url") and isinstance(value, str) and urlsplit(value).netloc:
                context[name] = on_site_url(value)
        return super().send_mail(template_prefix, email, context)

    def get_reauthentication_methods(self, user):
        """allauth's ways of confirming access, with the passkey one called a passkey, as the product calls WebAuthn
        credentials everywhere (MFA-1); allauth says "Use a security key"."""
        methods = super().get_reauthentication_methods(user)
        for method in methods:
            if method["id"] == "mfa_reauthenticate:webauthn":
                method["description"] = _("Use a passkey")
        return methods

    def send_password_reset_mail(self, user, email, context):
        opaque = reset_link_user_ref(user)
        url = reverse("account_reset_password_from_key", kwargs={"uidb36": opaque, "key": context["key"]})
        context = {**context, "uid": opaque, "password_reset_url": on_site_url(url)}
        return super().send_password_reset_mail(user, email, context)


def reset_link_user_ref(user) -> str:
    """The user's reference in a reset link: the random, alphanumeric part of their public id."""
    return user.public_id.split("_", 1)[1]


class PublicIdUserTokenForm(UserTokenForm):
    """allauth's reset-link check, with the user named by their public id's random part, never by a database id:
    a base36 id in a link is not even looked up (ORG-6)."""

    def _get_user(self, uidb36):
        if not re.fullmatch(r"[0-9A-Za-z]{22}", uidb36 or ""):
            return None
        return User.objects.filter(public_id=f"usr_{uidb36}", is_active=True).first()
