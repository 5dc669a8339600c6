"""Candidates: the detail page (by role, ORG-4), edit and stage changes. Adding one is consent's page (CON-1)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hiring import services
from hiring.access_log import AccessKind, reads_candidate_data, record_view
from hiring.forms import CandidateForm, DecisionForm, DocumentForm, InterviewForm, StageForm
from hiring.models import Candidate, Decision, Document, Interview
from hiring.views.shared import GET_ONLY, manages_hirings
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404


def visible_candidate(request, public_id) -> Candidate:
    queryset = Candidate.objects.select_related("hiring", "created_by__user")
    return get_visible_or_404(Candidate, request.member, public_id, queryset=queryset)


@reads_candidate_data(AccessKind.CANDIDATE)
@member_required()
def candidate_detail(request, public_id):
    candidate = visible_candidate(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    record_view(request, candidate, AccessKind.CANDIDATE)
    return render_candidate(request, candidate)


def render_candidate(request, candidate, *, status=200, **forms):
    member = request.member
    interviews = Interview.objects.visible_to(member).filter(candidate=candidate).select_related("interviewer__user")
    if not manages_hirings(member):
        # ORG-4: an interviewer gets the minimum needed to run their interview, and a template that has no more.
        context = {"candidate": candidate, "interviews": interviews}
        return render(request, "hiring/candidate_detail_interviewer.html", context, status=status)
    context = {
        "candidate": candidate,
        "interviews": interviews,
        "documents": Document.objects.visible_to(member)
        .filter(candidate=candidate)
        .select_related("uploaded_by__user"),
        "decisions": Decision.objects.visible_to(member).filter(candidate=candidate),
        "stage_form": forms.get("stage_form") or StageForm(initial={"stage": candidate.stage}),
        "document_form": forms.get("document_form") or DocumentForm(),
        "interview_form": forms.get("interview_form") or InterviewForm(member=member),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "decided": candidate.stage in Decision.Outcome.values,
    }
    return render(request, "hiring/candidate_detail.html", context, status=status)


@reads_candidate_data(AccessKind.CANDIDATE)
@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def candidate_edit(request, public_id):
    candidate = visible_candidate(request, public_id)
    record_view(request, candidate, AccessKind.CANDIDATE)  # the form shows their details; GET only
    initial = {name: getattr(candidate, name) for name in CandidateForm.base_fields}
    form = CandidateForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_candidate(actor=request.member, candidate=candidate, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Candidate saved."))
            return redirect("hiring:candidate_detail", public_id=candidate.public_id)
    context = {"form": form, "hiring": candidate.hiring, "candidate": candidate}
    return render(request, "hiring/candidate_form.html", context, status=400 if form.errors else 200)


@member_required(Role.HIRING_MANAGER)
@require_POST
def candidate_stage(request, public_id):
    candidate = visible_candidate(request, public_id)
    form = StageForm(request.POST)
    if form.is_valid():
        try:
            services.update_candidate(actor=request.member, candidate=candidate, stage=form.cleaned_data["stage"])
        except ValidationError as error:
            apply_service_error(form, error, "stage")
        else:
            messages.success(request, _("Moved to %(stage)s.") % {"stage": candidate.get_stage_display()})
            return redirect("hiring:candidate_detail", public_id=candidate.public_id)
    candidate.refresh_from_db()
    return render_candidate(request, candidate, status=400, stage_form=form)
