"""The integration settings pages, for admins (INT-1): connector, webhook endpoints, delivery log with replay."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiring.access_log import AccessKind, reads_candidate_data, record_view
from integrations import services
from integrations.forms import ConnectorForm, EndpointForm
from integrations.models import Delivery, WebhookEndpoint
from interview_analyzer.errors import Conflict
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404

DELIVERIES_PER_PAGE = 50


@member_required(Role.ADMIN)
def connector(request):
    member = request.member
    current = services.connector_of(member)
    keys = services.ats_keys(member)
    initial = {}
    if current:
        initial = {
            "enabled": current.enabled,
            "kind": current.kind,
            "api_key": current.api_key.public_id if current.api_key else "",
            "allowed_hosts": "\n".join(current.allowed_hosts),
        }
    form = ConnectorForm(request.POST or None, initial=initial, keys=keys)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_connector(actor=member, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
                status = 400
            else:
                messages.success(request, _("Connector settings saved."))
                return redirect("integrations:connector")
        else:
            status = 400
    context = {"form": form, "connector": current, "has_keys": bool(keys)}
    return render(request, "integrations/connector.html", context, status=status)


@member_required(Role.ADMIN)
def endpoints(request):
    member = request.member
    form = EndpointForm(request.POST or None)
    new_secret, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                _endpoint, new_secret = services.create_endpoint(actor=member, **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
                status = 400
            else:
                form = EndpointForm()
        else:
            status = 400
    context = {
        "form": form,
        "endpoints": WebhookEndpoint.objects.visible_to(member),
        "new_secret": new_secret,
        "connector": services.connector_of(member),
    }
    response = render(request, "integrations/endpoints.html", context, status=status)
    if new_secret:
        response["Cache-Control"] = "no-store"
    return response


@member_required(Role.ADMIN)
@require_POST
def endpoint_delete(request, public_id):
    endpoint = get_visible_or_404(WebhookEndpoint, request.member, public_id)
    services.delete_endpoint(actor=request.member, endpoint=endpoint)
    messages.success(request, _("Endpoint removed; nothing more is sent to it."))
    return redirect("integrations:endpoints")


@member_required(Role.ADMIN)
def deliveries(request):
    rows = Delivery.objects.visible_to(request.member).select_related("endpoint")
    page = Paginator(rows, DELIVERIES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "integrations/deliveries.html", {"page": page})


@reads_candidate_data(AccessKind.DELIVERY)
@member_required(Role.ADMIN)
def delivery_detail(request, public_id):
    delivery = get_visible_or_404(
        Delivery, request.member, public_id, queryset=Delivery.objects.select_related("endpoint", "candidate")
    )
    record_view(request, delivery.candidate, AccessKind.DELIVERY, delivery)  # the payload names them (LOG-1)
    return render(request, "integrations/delivery_detail.html", {"delivery": delivery})


@member_required(Role.ADMIN)
@require_POST
def delivery_replay(request, public_id):
    delivery = get_visible_or_404(Delivery, request.member, public_id)
    try:
        services.replay_delivery(actor=request.member, delivery=delivery)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("Delivery queued to be sent again."))
    return redirect("integrations:delivery", public_id=delivery.public_id)
