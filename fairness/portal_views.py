"""The candidate's voluntary self-identification on their rights portal (FAIR-1): no sign-in, the signed portal
link is the credential, exactly as on retention's portal pages (``retention.portal.tokens``; fairness stands above
retention and reads its link, retention imports nothing of fairness).

- ``…/self-identification/``: the section on its own page; POST stores the separate consent and the answers;
- ``…/self-identification/withdraw``: after a confirmation, withdraws that consent and deletes every answer.

Same habits as the portal: the candidate's language, never cached or indexed, no referrer, rate limited per
candidate, a bad link answers the portal's refusal page with a 4xx status.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from accounts import rate_limits
from fairness import services
from fairness.forms import SelfIdentificationForm
from interview_analyzer.forms import apply_service_error
from interview_analyzer.views import rate_limited
from retention.portal import services as portal_services
from retention.portal import tokens
from retention.portal.forms import ConfirmForm

REFUSED_STATUS = {
    tokens.PortalLinkRefused.INVALID: 404,
    tokens.PortalLinkRefused.EXPIRED: 410,
    tokens.PortalLinkRefused.GONE: 404,
}
WITHDRAW_LABEL = _("Withdraw my agreement and delete my answers.")


def _language(request, candidate=None) -> str:
    chosen = request.POST.get("lang") or request.GET.get("lang") or ""
    if chosen in {code for code, _name in settings.LANGUAGES}:
        return chosen
    return portal_services.candidate_language(candidate) if candidate is not None else translation.get_language()


def _private(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _render(request, template, context, *, language, status=200):
    with translation.override(language):
        response = render(request, template, {"lang": language, **context}, status=status)
    return _private(response)


def _open(request, token):
    """(candidate, language, None) or (None, None, the refusal page), as the portal's own pages answer."""
    wait = rate_limits.token_guessing_wait(request)
    if wait:
        return None, None, _private(rate_limited(request, None, retry_after=wait))
    try:
        opened = tokens.open_portal(token)
    except tokens.PortalLinkRefused as refusal:
        if refusal.reason == tokens.PortalLinkRefused.INVALID:
            rate_limits.count_unknown_token(request)
        page = _render(
            request,
            "retention/portal/link_refused.html",
            {"reason": refusal.reason},
            language=_language(request),
            status=REFUSED_STATUS[refusal.reason],
        )
        return None, None, page
    return opened.candidate, _language(request, opened.candidate), None


def section_context(candidate, token, *, form=None) -> dict:
    """What the section shows: the categories asked, the candidate's consent and answers (their own, only here)."""
    categories = services.asked_categories(candidate)
    answers = services.answers_of(candidate)
    consent = services.current_consent(candidate)
    if form is None:
        form = SelfIdentificationForm(initial={"consent": consent is not None}, categories=categories, answers=answers)
    return {
        "fairness_form": form,
        "fairness_categories": categories,
        "fairness_consent": consent,
        "fairness_answered": len(answers),
        "token": token,
        "candidate": candidate,
        "organization": candidate.organization,
        "position": candidate.hiring.title,
    }


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def self_identification(request, token):
    candidate, language, refused = _open(request, token)
    if refused is not None:
        return refused
    status = 200
    form = None
    if request.method == "POST":
        wait = rate_limits.check(request, "portal_action", candidate.public_id)
        if wait:
            return _private(rate_limited(request, None, retry_after=wait))
        with translation.override(language):
            form = SelfIdentificationForm(
                request.POST,
                categories=services.asked_categories(candidate),
                answers=services.answers_of(candidate),
            )
            if form.is_valid():
                try:
                    services.answer(
                        candidate=candidate, consent_given=form.cleaned_data["consent"], answers=form.answers()
                    )
                except ValidationError as error:
                    apply_service_error(form, error)
                else:
                    url = reverse("portal:home", args=[token]) + f"?lang={language}&saved=self-identification"
                    return _private(redirect(url + "#self-identification"))
            status = 400
    context = section_context(candidate, token, form=form)
    return _render(request, "fairness/portal_page.html", context, language=language, status=status)


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request, token):
    candidate, language, refused = _open(request, token)
    if refused is not None:
        return refused
    form = ConfirmForm(request.POST if request.method == "POST" else None, label=WITHDRAW_LABEL)
    status = 200
    if request.method == "POST":
        wait = rate_limits.check(request, "portal_action", candidate.public_id)
        if wait:
            return _private(rate_limited(request, None, retry_after=wait))
        with translation.override(language):
            valid = form.is_valid()
        if valid:
            services.withdraw(candidate=candidate)
            url = reverse("portal:home", args=[token]) + f"?lang={language}&saved=self-identification-withdrawn"
            return _private(redirect(url + "#self-identification"))
        status = 400
    context = {
        "form": form,
        "token": token,
        "consent": services.current_consent(candidate),
        "organization": candidate.organization,
        "position": candidate.hiring.title,
    }
    return _render(request, "fairness/portal_withdraw.html", context, language=language, status=status)
