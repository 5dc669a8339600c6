"""The AI provider settings page, for admins (BYO-1, AI-2): the organization's own endpoint, its golden-set
evaluation (progress, then the report) and enabling it. Thin: ``ai_analysis.provider_settings`` decides."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from ai_analysis import provider_settings
from ai_analysis.models import OrganizationAIProvider, ProviderEvaluation
from ai_analysis.provider_forms import EndpointForm
from ai_analysis.providers import provider_name_for
from interview_analyzer.errors import Conflict
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.steps import UNFINISHED, StepStatus
from interview_analyzer.tenancy import get_visible_or_404

GET_OR_POST = ["GET", "HEAD", "POST"]
GET_ONLY = ["GET", "HEAD"]
POLL_MS = 2000
FIGURES = ("evidence_recall", "no_evidence_precision", "score_agreement", "agreement")


def _initial(endpoint: OrganizationAIProvider | None) -> dict:
    if endpoint is None:
        return {}
    return {
        "kind": endpoint.kind,
        "base_url": endpoint.base_url,
        "model": endpoint.model,
        "api_version": endpoint.api_version,
        "transcribe_model": endpoint.transcribe_model,
    }


def _evaluation_context(endpoint, run: ProviderEvaluation | None) -> dict:
    running = run is not None and run.status in UNFINISHED
    current = run is not None and endpoint is not None and run.config_version == endpoint.config_version
    return {
        "run": run,
        "running": running,
        "poll_status": "queued" if run is not None and run.status == StepStatus.PENDING else (run and run.status),
        "run_is_current": current,
        "report": run.report if run is not None and run.status == StepStatus.DONE else None,
        "can_enable": bool(
            current and run.status == StepStatus.DONE and endpoint.status != OrganizationAIProvider.Status.ENABLED
        ),
        "poll_ms": POLL_MS,
    }


@sensitive_post_parameters("api_key")  # never in an error report (SEC-SECRETS)
@member_required(Role.ADMIN)
@require_http_methods(GET_OR_POST)
def ai_provider(request):
    member = request.member
    endpoint = provider_settings.endpoint_of(member)
    form = EndpointForm(
        request.POST if request.method == "POST" else None, initial=_initial(endpoint), key_is_set=endpoint is not None
    )
    if form.is_bound and form.is_valid():
        try:
            saved = provider_settings.save_endpoint(actor=member, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            if endpoint is not None and saved.config_version == endpoint.config_version:
                messages.info(request, _("Nothing changed."))
            else:
                messages.success(request, _("Endpoint saved. Run the evaluation before it can be enabled."))
            return redirect("ai_analysis:ai_provider")
    context = {
        "form": form,
        "endpoint": endpoint,
        "fallback": provider_name_for(member.organization),
        "in_use": endpoint is not None and endpoint.status == OrganizationAIProvider.Status.ENABLED,
        **_evaluation_context(endpoint, provider_settings.latest_evaluation(endpoint)),
    }
    return render(request, "ai_analysis/ai_provider.html", context, status=400 if form.errors else 200)


def _endpoint_or_404(member) -> OrganizationAIProvider:
    endpoint = provider_settings.endpoint_of(member)
    if endpoint is None:
        raise Http404
    return endpoint


@member_required(Role.ADMIN)
@require_POST
def ai_provider_evaluate(request):
    endpoint = _endpoint_or_404(request.member)
    provider_settings.start_evaluation(actor=request.member, provider=endpoint)
    messages.success(request, _("Evaluation started: the golden set is being scored by your endpoint."))
    return redirect("ai_analysis:ai_provider")


@member_required(Role.ADMIN)
@require_POST
def ai_provider_enable(request):
    endpoint = _endpoint_or_404(request.member)
    public_id = request.POST.get("evaluation", "")
    run = get_visible_or_404(ProviderEvaluation, request.member, public_id)
    try:
        provider_settings.enable(actor=request.member, provider=endpoint, evaluation_run=run)
    except Conflict as conflict:
        messages.error(request, str(conflict))
    else:
        messages.success(request, _("Your endpoint is now used for new analyses. Analyses already made keep theirs."))
    return redirect("ai_analysis:ai_provider")


@member_required(Role.ADMIN)
@require_POST
def ai_provider_disable(request):
    endpoint = _endpoint_or_404(request.member)
    provider_settings.disable(actor=request.member, provider=endpoint)
    messages.success(request, _("New analyses use this service's provider again."))
    return redirect("ai_analysis:ai_provider")


@member_required(Role.ADMIN)
@require_POST
def ai_provider_remove(request):
    endpoint = _endpoint_or_404(request.member)
    provider_settings.remove(actor=request.member, provider=endpoint)
    messages.success(request, _("Endpoint, key and evaluations removed."))
    return redirect("ai_analysis:ai_provider")


@member_required(Role.ADMIN)
def ai_provider_evaluation(request, public_id):
    """The evaluation card as an HTML fragment, polled by ``static/js/analysis.js`` while the job runs. The object
    first, then the method: another organization's id is a 404 whatever the method (ORG-5)."""
    run = get_visible_or_404(ProviderEvaluation, request.member, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    endpoint = provider_settings.endpoint_of(request.member)
    return render(request, "ai_analysis/_provider_evaluation.html", _evaluation_context(endpoint, run))
