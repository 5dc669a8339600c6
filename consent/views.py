"""The candidate's pages (CON-2, CON-3, CON-5): no sign-in, the link's token is the only credential.

One URL serves a link through its life: the consent page while the request waits, the portal (status and
withdrawal) for a portal link, and a plain explanation for a link that is unknown, used, replaced or expired — a
page with a 4xx status, never an error screen, and never a change. Thin: ``consent.services`` decides everything.

Recruiters' pages: adding a candidate (the intake that asks for consent in the same transaction, CON-1) and
"send a new link" (CON-6).
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from accounts import rate_limits
from consent import services
from consent.forms import DeclineForm, WithdrawForm
from consent.models import ConsentRequest, ConsentStatus, LinkPurpose
from consent.presentation import candidate_page_context
from hiring.forms import CandidateForm
from hiring.models import Hiring
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.secret_tokens import hash_secret
from interview_analyzer.tenancy import get_visible_or_404
from interview_analyzer.views import rate_limited

REFUSED_STATUS = {
    services.LinkRefused.UNKNOWN: 404,
    services.LinkRefused.USED: 410,
    services.LinkRefused.REPLACED: 410,
    services.LinkRefused.EXPIRED: 410,
    services.LinkRefused.CLOSED: 409,
}


def _language(request, consent) -> str:
    """The language of the page: the one picked on it (``?lang=``, or the form's ``lang`` when answering), else the
    candidate's stored one. An answer stores the language it was given in (``services.accept``/``decline``/
    ``withdraw``), so every later email and page to the candidate uses it."""
    chosen = request.GET.get("lang") or request.POST.get("lang") or ""
    codes = {code for code, _name in settings.LANGUAGES}
    if chosen in codes:
        return chosen
    return consent.language if consent is not None else translation.get_language()


def _private(response):
    """The page carries a credential in its URL: never cached, never indexed, never sent to another site as a
    referrer. ``same-origin`` rather than ``no-referrer``: with the latter, browsers send ``Origin: null`` on the
    page's own form and Django's CSRF check refuses the candidate's answer."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _refused(request, refusal: services.LinkRefused, *, language: str):
    services.note_refused_link(refusal)
    consent = refusal.consent
    with translation.override(language):
        response = render(
            request,
            "consent/link_refused.html",
            {
                "reason": refusal.reason,
                "consent": consent,
                "organization": consent.organization if consent else None,
                "lang": language,
            },
            status=REFUSED_STATUS[refusal.reason],
        )
    return _private(response)


@never_cache
@csrf_protect
@require_http_methods(["GET", "POST"])
def candidate_link(request, token):
    wait = rate_limits.token_guessing_wait(request)
    if wait:
        return _private(rate_limited(request, None, retry_after=wait))
    try:
        opened = services.open_link(token)
    except services.LinkRefused as refusal:
        if refusal.reason == services.LinkRefused.UNKNOWN:
            rate_limits.count_unknown_token(request)
        return _refused(request, refusal, language=_language(request, refusal.consent))
    consent = opened.consent
    language = _language(request, consent)
    form = DeclineForm()
    withdraw_form = WithdrawForm()
    status = 200
    done = None
    portal_token = None
    refused_action = None
    if request.method == "POST":
        wait = rate_limits.check(request, "consent_response", hash_secret(token))
        if wait:
            return _private(rate_limited(request, None, retry_after=wait))
        action = request.POST.get("action")
        try:
            if opened.purpose == LinkPurpose.CONSENT and action == "accept":
                consent, portal_token = services.accept(token, language=language)
                done = "accepted"
            elif opened.purpose == LinkPurpose.CONSENT and action == "decline":
                form = DeclineForm(request.POST)
                if form.is_valid():
                    consent = services.decline(token, message=form.cleaned_data["message"], language=language)
                    done = "declined"
                else:
                    status = 400
            elif opened.purpose == LinkPurpose.PORTAL and action == "withdraw":
                withdraw_form = WithdrawForm(request.POST)
                # Only an accepted consent can be withdrawn; for any other the service refuses (409) as before.
                if consent.status != ConsentStatus.ACCEPTED or withdraw_form.is_valid():
                    consent = services.withdraw(token, language=language)
                    done = "withdrawn"
                else:
                    status = 400
            else:
                status = 400
                refused_action = _("This link does not offer that action.")
        except services.LinkRefused as refusal:
            return _refused(request, refusal, language=language)
        except ValidationError as error:
            form = DeclineForm(request.POST)
            form.is_valid()
            form.add_error("message", error)
            status = 400
    with translation.override(language):
        context = candidate_page_context(consent, language=language)
    context.update(
        {
            "form": form,
            "withdraw_form": withdraw_form,
            "done": done,
            "purpose": opened.purpose,
            "portal_token": portal_token,
            "token": token,
            "refused_action": refused_action,
            "statuses": ConsentStatus,
        }
    )
    template = "consent/portal.html" if opened.purpose == LinkPurpose.PORTAL else "consent/request.html"
    if done:
        template = "consent/answered.html"
    with translation.override(language):
        response = render(request, template, context, status=status)
    return _private(response)


@member_required(Role.HIRING_MANAGER)
@require_POST
def resend(request, public_id):
    """Email the candidate a new consent link; the old one stops working (CON-6). Three an hour per candidate."""
    consent = get_visible_or_404(ConsentRequest, request.member, public_id)
    wait = rate_limits.check(request, "consent_resend", consent.public_id)
    if wait:
        return rate_limited(request, None, retry_after=wait)
    try:
        services.resend(actor=request.member, consent=consent)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("A new link was emailed to %(email)s. The previous link no longer works.")
            % {"email": consent.candidate.email},
        )
    return redirect("hiring:candidate_detail", public_id=consent.candidate.public_id)


@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def candidate_add(request, public_id):
    """Add a candidate to a hiring: they are asked for consent by email in the same transaction (CON-1)."""
    hiring = get_visible_or_404(Hiring, request.member, public_id)
    form = CandidateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            candidate = services.add_candidate(
                actor=request.member, hiring=hiring, language=request.LANGUAGE_CODE, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(name)s was added to %(hiring)s, and asked for consent by email.")
                % {"name": candidate.name, "hiring": hiring.title},
            )
            return redirect("hiring:candidate_detail", public_id=candidate.public_id)
    return render(
        request, "hiring/candidate_form.html", {"form": form, "hiring": hiring}, status=400 if form.errors else 200
    )
