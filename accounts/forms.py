"""Forms of the accounts pages. Each lists its writable fields explicitly (SEC-MASS)."""

import ipaddress

from django import forms
from django.conf import settings
from django.urls import reverse_lazy
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiKey, Membership, MfaRequirement
from interview_analyzer.roles import Role

INVITATION_SESSION_KEY = "pending_invitation"


class OrganizationSignupForm(forms.Form):
    """Extra signup fields (allauth's ``ACCOUNT_SIGNUP_FORM_CLASS``): a new organization and its DPA acceptance.

    Someone arriving from an invitation link joins that organization instead, so the organization fields are
    not asked (ORG-8 applies to the organization, which accepted already).
    """

    full_name = forms.CharField(label=_("Your name"), max_length=150)
    organization_name = forms.CharField(label=_("Organization name"), max_length=200, required=False)
    accept_dpa = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        self.request = kwargs.pop("request", None)
        super().__init__(*args, **kwargs)
        self.fields["accept_dpa"].label = format_html(
            _(
                'I accept the <a href="{}" target="_blank">data processing agreement</a> and its '
                '<a href="{}" target="_blank">sub-processors</a> on behalf of my organization'
            ),
            reverse_lazy("legal:dpa"),
            reverse_lazy("legal:subprocessors"),
        )
        if self.joining_by_invitation:
            del self.fields["organization_name"]
            del self.fields["accept_dpa"]

    @property
    def joining_by_invitation(self) -> bool:
        return bool(self.request is not None and self.request.session.get(INVITATION_SESSION_KEY))

    def clean(self):
        cleaned = super().clean()
        if self.joining_by_invitation:
            self._check_invitation(cleaned)
        else:
            if not (cleaned.get("organization_name") or "").strip():
                self.add_error("organization_name", _("Name the organization you are signing up."))
            if not cleaned.get("accept_dpa"):
                self.add_error("accept_dpa", _("The data processing agreement must be accepted to sign up."))
        return cleaned

    def _check_invitation(self, cleaned) -> None:
        """Everything ``accept_invitation`` would refuse is a form error here, before allauth creates the user.

        Found from outside: opening an invitation and signing up with another address answered 500 after the user
        row existed, leaving an orphan account with the visitor's password that blocked a later signup for that
        address. Now nothing is stored (the signup view is also one transaction, ``accounts.views.signup``).
        """
        from accounts import services

        invitation = services.find_pending_invitation(self.request.session.get(INVITATION_SESSION_KEY))
        if invitation is None:
            self.add_error(None, _("This invitation link is not valid any more. Ask for a new one."))
            return
        email = (cleaned.get("email") or "").strip()
        if email and email.casefold() != invitation.email.casefold():
            self.add_error(
                "email",
                _("This invitation was sent to %(email)s. Sign up with that address to accept it.")
                % {"email": invitation.email},
            )

    def signup(self, request, user):
        """Called by allauth once the user row exists (and only then: never for an already registered email)."""
        from accounts import services
        from interview_analyzer.client_ip import client_ip

        services.update_profile(user=user, full_name=self.cleaned_data["full_name"])
        token = request.session.pop(INVITATION_SESSION_KEY, None)
        if token:
            services.accept_invitation(user=user, raw_token=token, ip=client_ip(request))
        else:
            services.create_organization(
                name=self.cleaned_data["organization_name"], admin_user=user, ip=client_ip(request)
            )


class ProfileForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("The browser's language"))] + [(code, name) for code, name in settings.LANGUAGES],
        required=False,
        help_text=_("The language of the pages once you are signed in."),
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.INTERVIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the key is for, e.g. “Greenhouse sync”."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=ApiKey.Scope.choices, widget=forms.CheckboxSelectMultiple, initial=["read"]
    )
    allowed_cidrs = forms.CharField(
        label=_("Allowed networks (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One CIDR per line, e.g. 203.0.113.0/24. Empty allows any address."),
    )

    def clean_allowed_cidrs(self):
        networks = []
        for line in self.cleaned_data["allowed_cidrs"].replace(",", "\n").splitlines():
            line = line.strip()
            if not line:
                continue
            try:
                networks.append(str(ipaddress.ip_network(line, strict=False)))
            except ValueError:
                raise forms.ValidationError(_("“%(value)s” is not a network."), params={"value": line}) from None
        if len(networks) > 20:
            raise forms.ValidationError(_("At most 20 networks."))
        return networks


class MfaPolicyForm(forms.Form):
    """Who in the organization must use two-factor authentication (MFA-1); admins only."""

    required_for = forms.ChoiceField(
        label=_("Two-factor authentication"), choices=MfaRequirement.choices, widget=forms.RadioSelect
    )
    sso_exempt = forms.BooleanField(
        label=_("SSO sign-ins are exempt (our identity provider enforces MFA)"),
        required=False,
        help_text=_(
            "Members who sign in with Microsoft or Google are then not asked to enrol here. Password sign-ins and "
            "the token API still need two-factor authentication."
        ),
    )


MEMBER_ROLE_CHOICES = Membership._meta.get_field("role").choices
