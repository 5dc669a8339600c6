"""allauth's account adapter: every link allauth emails is built on ``SITE_URL``, never on the request's Host.

Found from outside: password-reset, verification and "you already have an account" emails built their links from
the request's Host header, and any port of an allowed host passes ``ALLOWED_HOSTS`` — so a request with
``Host: 127.0.0.1:6666`` (or, behind a permissive proxy, a hostile name) sent a user a link to somewhere else
(Host-header poisoning of emailed links). The product's own emails (invitations, consent) already use ``SITE_URL``;
this puts allauth's on the same base. Production refuses to start without ``SITE_URL`` (settings).
"""

from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


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
