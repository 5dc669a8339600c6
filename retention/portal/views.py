"""The candidate's rights portal (RET-6, RET-7, CON-5): no sign-in, the signed link is the credential.

- ``/my-data/``: ask for a link with your email address. The answer is the same page whether the address is known
  or not, and the link goes only to that address (rate limited per client IP and per address, SEC-RL).
- ``/my-data/<token>/``: what is held and what you can do: download a copy (a ZIP), read the explanation of
  approved scores and approved feedback (ai_analysis's panel), object to the processing, ask for erasure.
- ``…/export.zip``, ``…/object/``, ``…/erase/``: the actions; the last two ask for confirmation first.

A link that is altered, expired or whose data is gone answers a page that says which, with a 4xx status, never an
error screen. Pages are in the candidate's language (the one they chose on the consent page, or ``?lang=``), never
cached, never indexed, and send no referrer to another site. The candidate is not a member: nothing here shows
recruiters' data (other candidates, notes, internal reviews, unapproved drafts). Thin: ``retention.portal.services``
acts, ``tokens`` reads the link.
"""

from django.conf import settings
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from accounts import rate_limits
from consent.presentation import retention_period_text
from consent.services import LinkRefused
from interview_analyzer.views import rate_limited
from retention.portal import export, services, tokens
from retention.portal.forms import ConfirmForm, RequestLinkForm
from retention.services import CandidateGone

REFUSED_STATUS = {
    tokens.PortalLinkRefused.INVALID: 404,
    tokens.PortalLinkRefused.EXPIRED: 410,
    tokens.PortalLinkRefused.GONE: 404,
}
PAGE_METHODS = ["GET", "HEAD"]
ACTION_METHODS = ["GET", "HEAD", "POST"]
OBJECT_LABEL = _("I object: stop the processing of my interview and withdraw my consent.")
ERASE_LABEL = _("Erase everything held about me for this position. I understand this cannot be undone.")


def _chosen_language(request) -> str | None:
    chosen = request.POST.get("lang") or request.GET.get("lang") or ""
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else None


def _private(response):
    """The URL carries the credential: never cached, never indexed, no referrer to another site (as consent's)."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _page(request, template: str, context: dict, *, language: str, status: int = 200):
    with translation.override(language):
        response = render(request, template, {"lang": language, **context}, status=status)
    return _private(response)


def _portal_context(opened: tokens.OpenedPortal, token: str) -> dict:
    candidate = opened.candidate
    return {
        "candidate": candidate,
        "consent": getattr(candidate, "consent", None),
        "organization": candidate.organization,
        "position": candidate.hiring.title,
        "token": token,
        "link_expires_at": opened.expires_at,
        "privacy_contact": candidate.organization.privacy_contact_email,
        "deletes_on": services.deletion_date(candidate),
        # Lazy: worded in the page's language when the template prints it.
        "retention_period": lazy(retention_period_text, str)(candidate.organization.retention_days),
    }


def _open(request, token: str):
    """(opened portal, language) or (None, the refusal page). A client IP that keeps presenting tokens that are not
    ours is refused every token link for a while, as on consent's links (``accounts.rate_limits``)."""
    wait = rate_limits.token_guessing_wait(request)
    if wait:
        return None, _private(rate_limited(request, None, retry_after=wait))
    try:
        opened = tokens.open_portal(token)
    except tokens.PortalLinkRefused as refusal:
        if refusal.reason == tokens.PortalLinkRefused.INVALID:
            rate_limits.count_unknown_token(request)
        language = _chosen_language(request) or translation.get_language()
        page = _page(
            request,
            "retention/portal/link_refused.html",
            {"reason": refusal.reason},
            language=language,
            status=REFUSED_STATUS[refusal.reason],
        )
        return None, page
    language = _chosen_language(request) or services.candidate_language(opened.candidate)
    return opened, language


@never_cache
@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def request_link(request):
    """Ask for a fresh link by email (RET-6): the same answer for every well-formed address."""
    language = _chosen_language(request) or translation.get_language()
    form = RequestLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        wait = rate_limits.check(request, "portal_link", request.POST.get("email", "")[:254] or None)
        if wait:
            return _private(rate_limited(request, None, retry_after=wait))
        if form.is_valid():
            services.send_links(form.cleaned_data["email"])
            minutes = settings.PORTAL_REQUESTED_LINK_TTL_MINUTES
            return _page(request, "retention/portal/link_sent.html", {"minutes": minutes}, language=language)
    status = 400 if form.errors else 200
    return _page(request, "retention/portal/request_link.html", {"form": form}, language=language, status=status)


@never_cache
@require_http_methods(PAGE_METHODS)
def home(request, token):
    opened, language = _open(request, token)
    if opened is None:
        return language  # the refusal page
    if request.method == "GET":
        services.note_opened(opened.candidate)
    return _page(request, "retention/portal/home.html", _portal_context(opened, token), language=language)


@never_cache
@require_http_methods(PAGE_METHODS)
def export_zip(request, token):
    """The candidate's copy of everything held about them, as a ZIP streamed from storage (RET-7)."""
    opened, language = _open(request, token)
    if opened is None:
        return language
    wait = rate_limits.check(request, "portal_action", opened.candidate.public_id, methods=("GET",))
    if wait:
        return _private(rate_limited(request, None, retry_after=wait))
    with translation.override(language):
        built = export.build(opened.candidate)
    services.note_exported(opened.candidate)
    response = StreamingHttpResponse(export.stream(built, language=language), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{built.filename}"'
    return _private(response)


def _confirmed_action(request, token, *, action: str, label: str, template: str, act):
    opened, language = _open(request, token)
    if opened is None:
        return language
    context = _portal_context(opened, token)
    form = ConfirmForm(request.POST if request.method == "POST" else None, label=label)
    status = 200
    if request.method == "POST":
        wait = rate_limits.check(request, "portal_action", opened.candidate.public_id)
        if wait:
            return _private(rate_limited(request, None, retry_after=wait))
        if form.is_valid():
            return act(opened, context, language)
        status = 400
    context.update({"form": form, "action": action})
    return _page(request, template, context, language=language, status=status)


@never_cache
@csrf_protect
@require_http_methods(ACTION_METHODS)
def object_to_processing(request, token):
    """Object to the processing (RET-7): it rests on consent, so this withdraws it (CON-5) after a confirmation."""

    def act(opened, context, language):
        try:
            consent = services.object_to_processing(opened.candidate, language=language)
        except LinkRefused:
            context.update({"done": "nothing_to_stop"})
            return _page(request, "retention/portal/done.html", context, language=language, status=409)
        context.update({"done": "objected", "consent": consent, "still_held": services.still_held(opened.candidate)})
        return _page(request, "retention/portal/done.html", context, language=language)

    return _confirmed_action(
        request, token, action="object", label=OBJECT_LABEL, template="retention/portal/object.html", act=act
    )


@never_cache
@csrf_protect
@require_http_methods(ACTION_METHODS)
def erase(request, token):
    """The candidate asks for erasure (RET-6): after a confirmation, everything is erased at once and the page says
    what was removed, from the deletion record (RET-5)."""

    def act(opened, context, language):
        try:
            record = services.request_erasure(opened.candidate)
        except CandidateGone:
            return _page(
                request, "retention/portal/link_refused.html", {"reason": "gone"}, language=language, status=404
            )
        with translation.override(language):
            erased = services.erased_kinds(record)
        context.update(
            {
                "done": "erased",
                "record": record,
                "erased_kinds": erased,
                "organization_name": opened.candidate.organization.name,
                "reference": record.public_id,
            }
        )
        return _page(request, "retention/portal/done.html", context, language=language)

    return _confirmed_action(
        request, token, action="erase", label=ERASE_LABEL, template="retention/portal/erase.html", act=act
    )
