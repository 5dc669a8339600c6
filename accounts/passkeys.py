"""A member's passkeys named by an opaque reference, never by their database id (ORG-6, MFA-1).

allauth serves a passkey's edit and remove pages at ``keys/<int:pk>/…`` and its list page prints those links, so the
``mfa_authenticator`` primary key would leave the server. These views serve the list, edit and remove pages at
``accounts/2fa/webauthn/keys/<ref>/…`` under allauth's own URL names (``accounts.urls.allauth_overrides``, which
the root URLconf places before allauth's patterns), so allauth's integer routes are shadowed: any path there resolves
here, is no reference of the member's, and answers 404. The pages themselves are allauth's views (subclassed, its
reauthentication, forms, flows, messages, notification emails and ``authenticator_*`` signals, hence the audit rows
of ``accounts.mfa``), with the passkey resolved from the reference first. A rename, which allauth reports by no
signal, is audited by ``PasskeyEditView`` itself.

The reference is ``HMAC-SHA256(key, "<user pk>:<authenticator pk>")``, its first 128 bits in base64url (22
characters), under a key derived for this one purpose from ``SECRET_KEY``:

- opaque: without the key it reveals nothing about either primary key, and 128 bits cannot be guessed;
- stable: the same passkey has the same link on every visit; after a ``SECRET_KEY`` rotation, references computed
  under ``SECRET_KEY_FALLBACKS`` still resolve, so a page opened before keeps working;
- owner-only: it is resolved among ``request.user``'s passkeys alone, and the user's pk is inside the MAC, so another
  member's reference, an unknown one or an old integer is the same 404 (never a 403 that confirms a row exists).

Not the WebAuthn credential id: that is the authenticator's handle, which browsers otherwise see only inside WebAuthn
ceremonies; in a URL it would go to history, server logs and ``Referer``, and it can be up to 1,023 bytes long. Not
a random id stored with the row: allauth's ``Authenticator`` has no column for one, and its table is allauth's.

One rule allauth's passkey removal lacks (its TOTP deactivation has it): a member whose organization requires MFA
cannot remove their last authenticator app or passkey (``accounts.mfa.MFAAdapter.can_delete_authenticator``, MFA-1).
"""

import base64
import hashlib
import hmac

from allauth.mfa.adapter import get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.views import EditWebAuthnView, ListWebAuthnView, RemoveWebAuthnView
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404

from accounts import mfa

_REF_PURPOSE = b"interview-analyzer/accounts/passkey-ref/v1"
REF_BYTES = 16  # 128 bits


def _ref_keys() -> list[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [hmac.new(secret.encode("utf-8"), _REF_PURPOSE, hashlib.sha256).digest() for secret in secrets]


def _ref_under(key: bytes, authenticator: Authenticator) -> str:
    message = f"{authenticator.user_id}:{authenticator.pk}".encode("ascii")
    digest = hmac.new(key, message, hashlib.sha256).digest()[:REF_BYTES]
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def passkey_ref(authenticator: Authenticator) -> str:
    """The passkey's reference in URLs and pages (ORG-6), under the current ``SECRET_KEY``."""
    return _ref_under(_ref_keys()[0], authenticator)


def own_passkey_or_404(user, ref: str) -> Authenticator:
    """The passkey of ``user`` that ``ref`` names; anyone else's, an unknown reference or an integer is 404 (ORG-6).

    Compared in constant time against each of the user's few passkeys, under the current key and its fallbacks."""
    keys = _ref_keys()
    for authenticator in Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN):
        if any(hmac.compare_digest(ref.encode("utf-8"), _ref_under(key, authenticator).encode()) for key in keys):
            return authenticator
    raise Http404("No such passkey.")


class PasskeyListView(ListWebAuthnView):
    """allauth's passkey list; each passkey carries ``ref`` for the links (templates/mfa/webauthn/…)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for authenticator in context["authenticators"]:
            authenticator.ref = passkey_ref(authenticator)
        return context


class _ResolvedPasskeyMixin:
    """allauth's view on the passkey resolved from the reference before the view runs (``as_view(passkey=…)``)."""

    passkey: Authenticator | None = None

    def get_object(self, queryset=None):
        # ``ref`` as on the list: the audit rows name the passkey by it, also after allauth's removal clears its pk
        self.passkey.ref = passkey_ref(self.passkey)
        return self.passkey

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["passkey_ref"] = passkey_ref(self.passkey)
        return context


class PasskeyEditView(_ResolvedPasskeyMixin, EditWebAuthnView):
    """allauth's rename page (reauthentication first); its form posts back to this URL.

    allauth sends no signal for a rename (``flows.rename_authenticator`` only saves the row), so the audit row is
    written here, after allauth's form has saved the new name (``accounts.mfa.record_passkey_renamed``, MFA-1)."""

    @transaction.atomic  # the new name and its audit row are stored together, or neither
    def form_valid(self, form):
        renamed = form.cleaned_data["name"] != self.object.wrap().name
        response = super().form_valid(form)  # allauth's save, refused without a recent reauthentication
        if renamed:
            mfa.record_passkey_renamed(request=self.request, user=self.request.user, authenticator=self.object)
        return response


class RemovePasskeyForm(forms.Form):
    """The removal's confirmation: refused when it would leave a member who must use MFA without a method (MFA-1)."""

    def __init__(self, *args, authenticator: Authenticator, **kwargs):
        super().__init__(*args, **kwargs)
        self.authenticator = authenticator

    def clean(self):
        adapter = get_adapter()
        if not adapter.can_delete_authenticator(self.authenticator):
            raise adapter.validation_error("cannot_delete_authenticator")
        return super().clean()


class PasskeyRemoveView(_ResolvedPasskeyMixin, RemoveWebAuthnView):
    """allauth's removal (reauthentication first; ``flows.remove_authenticator`` deletes it, drops recovery codes
    left alone, notifies by email and sends ``authenticator_removed``, which the audit trail records)."""

    form_class = RemovePasskeyForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "authenticator": self.object}


list_passkeys = PasskeyListView.as_view()


@login_required
def edit_passkey(request, ref: str):
    """``mfa_edit_webauthn`` by reference (ORG-6): 404 unless the reference names one of the member's passkeys."""
    return PasskeyEditView.as_view(passkey=own_passkey_or_404(request.user, ref))(request, ref=ref)


@login_required
def remove_passkey(request, ref: str):
    """``mfa_remove_webauthn`` by reference (ORG-6): 404 unless the reference names one of the member's passkeys."""
    return PasskeyRemoveView.as_view(passkey=own_passkey_or_404(request.user, ref))(request, ref=ref)
