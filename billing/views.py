"""The admin's billing page and its two buttons (BIL-1, BIL-2, BIL-5). Views are thin: services decide."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.services import seats_in_use
from billing import fakturownia, plans, selectors, services, subscriptions
from billing.forms import CheckoutForm
from billing.stripe_client import hosted_page_origins, is_configured
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role

LEDGER_PAGE_SIZE = 25
INVOICES_SHOWN = 24


@member_required(Role.ADMIN)
@require_GET
def overview(request):
    member = request.member
    organization = member.organization
    current = selectors.current_plan(organization)
    credits_left = services.credits_left(organization)  # first: it writes this month's grant if due
    ledger = Paginator(selectors.ledger(member), LEDGER_PAGE_SIZE).get_page(request.GET.get("page"))
    offers = [
        {"plan": plan, "buyable": bool(plans.stripe_price(plan)), "current": plan.pk == current.pk}
        for plan in selectors.catalogue()
    ]
    context = {
        "plan": current,
        "offers": offers,
        "seats_used": seats_in_use(organization),
        "credits_left": credits_left,
        "ledger": ledger,
        "account": selectors.account(member),
        "invoices": selectors.invoices(member)[:INVOICES_SHOWN],
        "stripe_configured": is_configured(),
        "fakturownia_configured": fakturownia.is_configured(),
        "checkout": request.GET.get("checkout", ""),
    }
    response = render(request, "billing/overview.html", context)
    if context["stripe_configured"]:
        # The Checkout and portal buttons post here and are redirected to Stripe's pages: allow exactly those.
        origins = " ".join(hosted_page_origins())
        response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.replace(
            "form-action 'self'", f"form-action 'self' {origins}"
        )
    return response


def _page_url(request, **query) -> str:
    url = request.build_absolute_uri(reverse("billing:overview"))
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@member_required(Role.ADMIN)
@require_POST
def checkout(request):
    """Ask Stripe for a Checkout Session and send the admin there; the plan changes when Stripe's webhook says so."""
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a plan to subscribe to."))
        return redirect("billing:overview")
    try:
        url = subscriptions.start_checkout(
            actor=request.member,
            plan_code=form.cleaned_data["plan"],
            success_url=_page_url(request, checkout="done"),
            cancel_url=_page_url(request, checkout="cancelled"),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("billing:overview")
    return redirect(url)


@member_required(Role.ADMIN)
@require_POST
def portal(request):
    try:
        url = subscriptions.open_portal(actor=request.member, return_url=_page_url(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("billing:overview")
    return redirect(url)
