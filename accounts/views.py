"""Server pages of the accounts domain: organization settings, profile, invitations, legal pages, and the
rate-limited wrappers around allauth's sign-in, signup, reset and resend views (SEC-RL)."""

from functools import wraps

from allauth.account import views as allauth_views
from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import legal, mfa, rate_limits, services
from accounts.forms import INVITATION_SESSION_KEY, ApiKeyForm, InvitationForm, MfaPolicyForm, ProfileForm, RoleForm
from accounts.models import ApiKey, AuditEvent, DpaAcceptance, Invitation, Membership
from interview_analyzer.client_ip import client_ip
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404
from interview_analyzer.views import rate_limited

# --- Rate-limited allauth flows (SEC-RL) ----------------------------------------------------------------------------


def limit_flow(flow: str, account_field: str | None):
    """Count POSTs of this flow per client IP and per account; over a limit the view is not run (429)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST":
                account = request.POST.get(account_field) if account_field else None
                if account is None and request.user.is_authenticated:
                    account = request.user.email
                wait = rate_limits.check(request, flow, account)
                if wait:
                    return rate_limited(request, None, retry_after=wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class OrganizationSignupView(allauth_views.SignupView):
    """allauth's signup, with the request handed to the organization form (it reads a pending invitation)."""

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["request"] = self.request
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["joining_by_invitation"] = bool(self.request.session.get(INVITATION_SESSION_KEY))
        return context


login = limit_flow("login", "login")(allauth_views.login)
# One transaction: a refusal after allauth created the user leaves no orphan account behind.
signup = limit_flow("signup", "email")(transaction.atomic(OrganizationSignupView.as_view()))
password_reset = limit_flow("password_reset", "email")(allauth_views.password_reset)
# Resending a verification email happens on the email page (action_send) for a signed-in user.
email = limit_flow("verification_resend", "email")(allauth_views.email)


# --- Organization settings (ORG-7, ORG-8, KEY-*) --------------------------------------------------------------------


@member_required(Role.ADMIN)
def members(request):
    member = request.member
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invite_member(
                actor=member, email=form.cleaned_data["email"], role=form.cleaned_data["role"], ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            return redirect("accounts:members")
    memberships = Membership.objects.visible_to(member).select_related("user").order_by("-is_active", "user__email")
    query = request.GET.get("q", "").strip()
    if query:
        memberships = memberships.filter(user__email__icontains=query) | memberships.filter(
            user__full_name__icontains=query
        )
    return render(
        request,
        "accounts/members.html",
        {
            "memberships": memberships,
            "invitations": Invitation.objects.visible_to(member).pending().select_related("invited_by"),
            "form": form,
            "role_choices": Role.choices,
            "query": query,
        },
        status=400 if form.errors else 200,
    )


def _member_action(request, public_id, action, done_message):
    target = get_visible_or_404(Membership, request.member, public_id)
    try:
        action(target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done_message % {"email": target.user.email})
    return redirect("accounts:members")


@member_required(Role.ADMIN)
@require_POST
def member_role(request, public_id):
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the four roles."))
        return redirect("accounts:members")
    role = form.cleaned_data["role"]
    return _member_action(
        request,
        public_id,
        lambda target: services.change_role(actor=request.member, membership=target, role=role, ip=client_ip(request)),
        _("Role of %(email)s updated."),
    )


@member_required(Role.ADMIN)
@require_POST
def member_deactivate(request, public_id):
    return _member_action(
        request,
        public_id,
        lambda target: services.deactivate_member(actor=request.member, membership=target, ip=client_ip(request)),
        _("%(email)s was deactivated."),
    )


@member_required(Role.ADMIN)
@require_POST
def member_reactivate(request, public_id):
    return _member_action(
        request,
        public_id,
        lambda target: services.reactivate_member(actor=request.member, membership=target, ip=client_ip(request)),
        _("%(email)s was reactivated."),
    )


@member_required(Role.ADMIN)
@require_POST
def invitation_revoke(request, public_id):
    invitation = get_visible_or_404(Invitation, request.member, public_id)
    services.revoke_invitation(actor=request.member, invitation=invitation, ip=client_ip(request))
    messages.success(request, _("Invitation of %(email)s revoked.") % {"email": invitation.email})
    return redirect("accounts:members")


@member_required(Role.ADMIN)
def api_keys(request):
    member = request.member
    allowed = member.organization.feature("api_keys")
    form = ApiKeyForm(request.POST or None)
    new_key = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                key, new_key = services.create_api_key(
                    actor=member,
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    allowed_cidrs=form.cleaned_data["allowed_cidrs"],
                    ip=client_ip(request),
                )
            except ValidationError as error:
                form.add_error(None, error)
                status = 400
            else:
                form = ApiKeyForm()
        else:
            status = 400
    keys = ApiKey.objects.visible_to(member).select_related("membership__user")
    context = {
        "keys": keys,
        "form": form,
        "new_key": new_key,
        "allowed": allowed,
        "plan_name": member.organization.feature("plan_name"),
    }
    response = render(request, "accounts/api_keys.html", context, status=status)
    if new_key:
        response["Cache-Control"] = "no-store"
    return response


@member_required(Role.ADMIN)
@require_POST
def api_key_revoke(request, public_id):
    key = get_visible_or_404(ApiKey, request.member, public_id)
    services.revoke_api_key(actor=request.member, key=key, ip=client_ip(request))
    messages.success(request, _("API key “%(name)s” revoked. It stops working immediately.") % {"name": key.name})
    return redirect("accounts:api_keys")


@member_required(Role.ADMIN)
def dpa(request):
    member = request.member
    if request.method == "POST":
        if request.POST.get("accept") == "yes":
            services.accept_current_dpa(actor=member, ip=client_ip(request))
            messages.success(request, _("Thank you. The current data processing agreement is accepted."))
            return redirect("accounts:dpa")
        messages.error(request, _("Tick the box to accept the agreement."))
    acceptances = DpaAcceptance.objects.visible_to(member)
    return render(
        request,
        "accounts/dpa.html",
        {
            "acceptances": acceptances,
            "current_version": legal.CURRENT_DPA_VERSION,
            "is_current": services.dpa_is_current(member.organization),
            "dpa_template": legal.dpa_template(),
        },
    )


@member_required(Role.ADMIN)
def audit_trail(request):
    events = AuditEvent.objects.visible_to(request.member).select_related("actor")
    action = request.GET.get("action", "")
    if action in AuditEvent.Action.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "accounts/audit.html", {"page": page, "actions": AuditEvent.Action.choices, "action": action}
    )


@member_required(Role.ADMIN)
def security(request):
    """The organization's two-factor policy (MFA-1): who must enrol, and whether SSO sign-ins are exempt."""
    organization = request.member.organization
    form = MfaPolicyForm(
        request.POST or None,
        initial={"required_for": organization.mfa_required_for, "sso_exempt": organization.mfa_sso_exempt},
    )
    if request.method == "POST" and form.is_valid():
        mfa.set_mfa_policy(
            actor=request.member,
            required_for=form.cleaned_data["required_for"],
            sso_exempt=form.cleaned_data["sso_exempt"],
            ip=client_ip(request),
        )
        messages.success(request, _("Two-factor authentication policy saved."))
        return redirect("accounts:security")
    return render(
        request,
        "mfa/policy.html",
        {"form": form, "enrolment": mfa.enrolment_summary(request.member), "you_have_mfa": mfa.has_mfa(request.user)},
        status=400 if form.errors else 200,
    )


@login_required
def profile(request):
    form = ProfileForm(
        request.POST or None, initial={"full_name": request.user.full_name, "language": request.user.language}
    )
    if request.method == "POST" and form.is_valid():
        user = services.update_profile(
            user=request.user, full_name=form.cleaned_data["full_name"], language=form.cleaned_data["language"]
        )
        if user.language:
            translation.activate(user.language)  # the confirmation already reads in the chosen language
        messages.success(request, _("Profile saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form}, status=400 if form.errors else 200)


# --- Invitations (public link) ---------------------------------------------------------------------------------------


def invitation(request, token):
    """The one-time invitation link. Anyone may open it; accepting needs the invited address, signed in.
    Guessing is limited per client IP (``rate_limits.token_guessing_wait``)."""
    wait = rate_limits.token_guessing_wait(request)
    if wait:
        return rate_limited(request, None, retry_after=wait)
    found = services.find_pending_invitation(token)
    if found is None:
        rate_limits.count_unknown_token(request)
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.accept_invitation(user=request.user, raw_token=token, ip=client_ip(request))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:invitation", token=token)
        request.session["active_organization"] = membership.organization.public_id
        messages.success(request, _("Welcome to %(org)s.") % {"org": membership.organization.name})
        return redirect("home")
    if not request.user.is_authenticated:
        # The link proves the address: signing up with it needs no second verification email.
        request.session[INVITATION_SESSION_KEY] = token
        get_adapter(request).stash_verified_email(request, found.email)
    return render(request, "accounts/invitation.html", {"invitation": found}, status=200)


# --- Legal pages (public) ---------------------------------------------------------------------------------------------


def legal_dpa(request):
    return render(
        request,
        "accounts/legal/dpa_page.html",
        {"version": legal.CURRENT_DPA_VERSION, "dpa_template": legal.dpa_template()},
    )


def legal_subprocessors(request):
    return render(request, "accounts/legal/subprocessors.html", {"subprocessors": legal.SUBPROCESSORS})
