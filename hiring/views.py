"""Server pages of the hiring domain: hirings, criteria and the interview kit, candidates, documents, interviews,
decisions, "My interviews" and the recruiter dashboard (SPEC section 0, ORG-4, SEC-HTML, SEC-UP, OPS-3).

Reads go through ``visible_to(member)`` and single objects through ``get_visible_or_404``; every write goes through
``hiring.services``. Role gates are ``member_required`` (anonymous → login, lower role → 403); an object the member
may not see answers 404, exactly like one that does not exist (ORG-5). A service's ``ValidationError`` becomes a form
error on the re-rendered page (400); its ``PermissionDenied`` becomes the 403 page.
"""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Membership
from accounts.roles import Role
from hiring import services
from hiring.forms import (
    CandidateForm,
    CriterionForm,
    DecisionForm,
    DocumentForm,
    GrantForm,
    HiringForm,
    InterviewForm,
    QuestionForm,
    ReassignForm,
    StageForm,
    apply_service_error,
)
from hiring.models import (
    Candidate,
    Criterion,
    Decision,
    Document,
    Hiring,
    Interview,
    InterviewQuestion,
    Stage,
)
from interview_analyzer.middleware import max_request_bytes
from interview_analyzer.permissions import member_required
from interview_analyzer.tenancy import get_visible_or_404

HIRINGS_PER_PAGE = 25
CANDIDATES_PER_PAGE = 50
DASHBOARD_ROWS = 50
HIRING_SORTS = {"newest": ("-created_at", "-pk"), "oldest": ("created_at", "pk"), "title": ("title", "pk")}
CANDIDATE_SORTS = {"newest": ("-created_at", "-pk"), "name": ("name", "pk"), "stage": ("stage", "name", "pk")}
GET_ONLY = ("GET", "HEAD")


def _manages(member) -> bool:
    """Whether to show management controls. The services and decorators still decide every write."""
    return member.has_role(Role.HIRING_MANAGER)


def _pipeline(hiring) -> list[dict]:
    """The stages of an annotated hiring (``with_pipeline_counts``) with bar lengths relative to the largest."""
    counts = [(value, label, getattr(hiring, f"count_{value}", 0)) for value, label in Stage.choices]
    largest = max((count for _, _, count in counts), default=0)
    return [{"stage": value, "label": label, "count": count, "largest": largest} for value, label, count in counts]


def _summary(pipeline: list[dict]) -> str:
    """The pipeline in words, for the accessible name of its chart: "Applied 3, Interview 1"."""
    return ", ".join(f"{s['label']} {s['count']}" for s in pipeline if s["count"]) or _("No candidates yet")


def _row(hiring, with_pipeline: bool = True) -> dict:
    pipeline = _pipeline(hiring) if with_pipeline else []
    return {"hiring": hiring, "pipeline": pipeline, "summary": _summary(pipeline) if with_pipeline else ""}


def _search_text(request, name: str = "q") -> str:
    return request.GET.get(name, "").strip()[:200]


# --- Hirings --------------------------------------------------------------------------------------------------------


@member_required()
@require_GET
def hiring_list(request):
    """Hirings the member may see (ORG-4): search by title, filter by status, sort; pipeline counts for managers."""
    member = request.member
    manages = _manages(member)
    query = _search_text(request)
    status = request.GET.get("status", "")
    sort = request.GET.get("sort", "")
    sort = sort if sort in HIRING_SORTS else "newest"

    hirings = Hiring.objects.visible_to(member)
    if query:
        hirings = hirings.filter(title__icontains=query)
    if status in Hiring.Status.values:
        hirings = hirings.filter(status=status)
    else:
        status = ""
    if manages:
        # Interviewers see only their own interviews' hirings, never how many other people apply.
        hirings = hirings.with_pipeline_counts()
    hirings = hirings.select_related("owner__user").order_by(*HIRING_SORTS[sort])
    page = Paginator(hirings, HIRINGS_PER_PAGE).get_page(request.GET.get("page"))
    filtered = bool(query or status)
    rows = [_row(hiring, manages) for hiring in page]
    return render(
        request,
        "hiring/hiring_list.html",
        {
            "page": page,
            "rows": rows,
            "query": query,
            "status": status,
            "sort": sort,
            "filtered": filtered,
            "status_choices": Hiring.Status.choices,
            "stage_choices": Stage.choices,
            "manages": manages,
        },
    )


@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def hiring_create(request):
    form = HiringForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            hiring = services.create_hiring(actor=request.member, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error, "description")
        else:
            messages.success(
                request, _("Hiring “%(title)s” created. Add the criteria you will evaluate.") % {"title": hiring.title}
            )
            return redirect("hiring:hiring_detail", public_id=hiring.public_id)
    return render(request, "hiring/hiring_form.html", {"form": form}, status=400 if form.errors else 200)


def _visible_hiring(request, public_id) -> Hiring:
    """The hiring, with its pipeline counts for those who manage it."""
    member = request.member
    queryset = Hiring.objects.select_related("owner__user")
    if _manages(member):
        queryset = queryset.with_pipeline_counts()
    return get_visible_or_404(Hiring, member, public_id, queryset=queryset)


def _criteria_with_kit(member, hiring):
    questions = InterviewQuestion.objects.visible_to(member)
    return (
        Criterion.objects.visible_to(member)
        .filter(hiring=hiring)
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by("position", "pk")
    )


@member_required()
def hiring_detail(request, public_id):
    hiring = _visible_hiring(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    return _render_hiring(request, hiring)


def _render_hiring(request, hiring, *, status=200, grant_form=None, question_form=None, question_for=None):
    member = request.member
    manages = _manages(member)
    criteria = list(_criteria_with_kit(member, hiring))
    kit = []
    for criterion in criteria:
        form = question_form if criterion.pk == question_for else None
        kit.append((criterion, form or QuestionForm(auto_id=f"q-{criterion.public_id}-%s")))
    context = {"hiring": hiring, "kit": kit, "manages": manages}
    if manages:
        query = _search_text(request)
        stage = request.GET.get("stage", "")
        stage = stage if stage in Stage.values else ""
        sort = request.GET.get("sort", "")
        sort = sort if sort in CANDIDATE_SORTS else "newest"
        candidates = Candidate.objects.visible_to(member).filter(hiring=hiring)
        if query:
            candidates = candidates.filter(Q(name__icontains=query) | Q(email__icontains=query))
        if stage:
            candidates = candidates.filter(stage=stage)
        now = timezone.now()
        candidates = candidates.annotate(
            next_interview=Min(
                "interviews__scheduled_at",
                filter=Q(interviews__status=Interview.Status.SCHEDULED, interviews__scheduled_at__gte=now),
            )
        ).order_by(*CANDIDATE_SORTS[sort])
        granted = list(services.hiring_members(hiring))
        context.update(
            {
                "page": Paginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page")),
                "query": query,
                "stage": stage,
                "sort": sort,
                "filtered": bool(query or stage),
                "stage_choices": Stage.choices,
                "pipeline": _pipeline(hiring),
                "granted": granted,
                "grant_form": grant_form or GrantForm(member=member, hiring=hiring, granted=granted),
            }
        )
    else:
        context["my_interviews"] = (
            Interview.objects.visible_to(member).filter(candidate__hiring=hiring).select_related("candidate")
        )
    return render(request, "hiring/hiring_detail.html", context, status=status)


@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def hiring_edit(request, public_id):
    hiring = get_visible_or_404(Hiring, request.member, public_id)
    initial = {"title": hiring.title, "status": hiring.status, "description": hiring.description}
    form = HiringForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_hiring(actor=request.member, hiring=hiring, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error, "description")
        else:
            messages.success(request, _("Hiring saved."))
            return redirect("hiring:hiring_detail", public_id=hiring.public_id)
    return render(
        request, "hiring/hiring_form.html", {"form": form, "hiring": hiring}, status=400 if form.errors else 200
    )


@member_required(Role.HIRING_MANAGER)
@require_POST
def hiring_member_grant(request, public_id):
    """Give a hiring manager access to this hiring (ORG-4)."""
    member = request.member
    hiring = _visible_hiring(request, public_id)
    form = GrantForm(request.POST, member=member, hiring=hiring, granted=list(services.hiring_members(hiring)))
    if form.is_valid():
        target = form.cleaned_data["member"]
        try:
            services.grant_hiring_access(actor=member, hiring=hiring, member=target)
        except ValidationError as error:
            apply_service_error(form, error, "member")
        else:
            messages.success(
                request, _("%(name)s can now see and manage this hiring.") % {"name": target.user.display_name}
            )
            return redirect(reverse("hiring:hiring_detail", args=[hiring.public_id]) + "#members")
    return _render_hiring(request, hiring, status=400, grant_form=form)


@member_required(Role.HIRING_MANAGER)
@require_POST
def hiring_member_revoke(request, public_id):
    member = request.member
    hiring = get_visible_or_404(Hiring, member, public_id)
    target = get_visible_or_404(Membership, member, request.POST.get("member", ""))
    services.revoke_hiring_access(actor=member, hiring=hiring, member=target)
    messages.success(request, _("%(name)s no longer has access to this hiring.") % {"name": target.user.display_name})
    return redirect(reverse("hiring:hiring_detail", args=[hiring.public_id]) + "#members")


# --- Criteria and the interview kit ---------------------------------------------------------------------------------


@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def criterion_create(request, public_id):
    hiring = get_visible_or_404(Hiring, request.member, public_id)
    form = CriterionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            criterion = services.add_criterion(actor=request.member, hiring=hiring, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Criterion “%(name)s” added.") % {"name": criterion.name})
            if "add_another" in request.POST:
                return redirect("hiring:criterion_create", public_id=hiring.public_id)
            return redirect(reverse("hiring:hiring_detail", args=[hiring.public_id]) + "#criteria")
    return render(
        request, "hiring/criterion_form.html", {"form": form, "hiring": hiring}, status=400 if form.errors else 200
    )


@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def criterion_edit(request, public_id):
    member = request.member
    criterion = get_visible_or_404(Criterion, member, public_id, queryset=Criterion.objects.select_related("hiring"))
    initial = {name: getattr(criterion, name) for name in CriterionForm.base_fields}
    form = CriterionForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            services.update_criterion(actor=member, criterion=criterion, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Criterion saved."))
            return redirect(reverse("hiring:hiring_detail", args=[criterion.hiring.public_id]) + "#criteria")
    return _render_criterion(request, criterion, form, status=400 if form.errors else 200)


def _render_criterion(request, criterion, form, *, question_form=None, status=200):
    questions = InterviewQuestion.objects.visible_to(request.member).filter(criterion=criterion)
    context = {
        "form": form,
        "hiring": criterion.hiring,
        "criterion": criterion,
        "questions": questions,
        "question_form": question_form or QuestionForm(),
    }
    return render(request, "hiring/criterion_form.html", context, status=status)


@member_required(Role.HIRING_MANAGER)
@require_POST
def criterion_delete(request, public_id):
    criterion = get_visible_or_404(
        Criterion, request.member, public_id, queryset=Criterion.objects.select_related("hiring")
    )
    hiring = criterion.hiring
    services.delete_criterion(actor=request.member, criterion=criterion)
    messages.success(request, _("Criterion “%(name)s” deleted.") % {"name": criterion.name})
    return redirect(reverse("hiring:hiring_detail", args=[hiring.public_id]) + "#criteria")


@member_required(Role.HIRING_MANAGER)
@require_POST
def question_create(request, public_id):
    """Add a question to a criterion's interview kit; errors show where the form was (hiring or criterion page)."""
    member = request.member
    criterion = get_visible_or_404(Criterion, member, public_id, queryset=Criterion.objects.select_related("hiring"))
    from_criterion_page = request.POST.get("from") == "criterion"
    auto_id = "id_%s" if from_criterion_page else f"q-{criterion.public_id}-%s"
    form = QuestionForm(request.POST, auto_id=auto_id)
    if form.is_valid():
        try:
            services.add_question(actor=member, criterion=criterion, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_service_error(form, error, "text")
        else:
            messages.success(request, _("Question added to “%(name)s”.") % {"name": criterion.name})
            if from_criterion_page:
                return redirect(reverse("hiring:criterion_edit", args=[criterion.public_id]) + "#kit")
            return redirect(
                reverse("hiring:hiring_detail", args=[criterion.hiring.public_id]) + f"#{criterion.public_id}"
            )
    if from_criterion_page:
        initial = {name: getattr(criterion, name) for name in CriterionForm.base_fields}
        return _render_criterion(request, criterion, CriterionForm(initial=initial), question_form=form, status=400)
    hiring = _visible_hiring(request, criterion.hiring.public_id)
    return _render_hiring(request, hiring, status=400, question_form=form, question_for=criterion.pk)


# --- Candidates -----------------------------------------------------------------------------------------------------


@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def candidate_create(request, public_id):
    hiring = get_visible_or_404(Hiring, request.member, public_id)
    form = CandidateForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            candidate = services.add_candidate(actor=request.member, hiring=hiring, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("%(name)s was added to %(hiring)s.") % {"name": candidate.name, "hiring": hiring.title}
            )
            return redirect("hiring:candidate_detail", public_id=candidate.public_id)
    return render(
        request, "hiring/candidate_form.html", {"form": form, "hiring": hiring}, status=400 if form.errors else 200
    )


def _visible_candidate(request, public_id) -> Candidate:
    queryset = Candidate.objects.select_related("hiring", "created_by__user")
    return get_visible_or_404(Candidate, request.member, public_id, queryset=queryset)


@member_required()
def candidate_detail(request, public_id):
    candidate = _visible_candidate(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    return _render_candidate(request, candidate)


def _render_candidate(request, candidate, *, status=200, **forms):
    member = request.member
    interviews = Interview.objects.visible_to(member).filter(candidate=candidate).select_related("interviewer__user")
    if not _manages(member):
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


@member_required(Role.HIRING_MANAGER)
@require_http_methods(["GET", "HEAD", "POST"])
def candidate_edit(request, public_id):
    candidate = _visible_candidate(request, public_id)
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
    candidate = _visible_candidate(request, public_id)
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
    return _render_candidate(request, candidate, status=400, stage_form=form)


# --- Documents (SEC-UP) ---------------------------------------------------------------------------------------------


@max_request_bytes(settings.UPLOAD_REQUEST_MAX_BYTES)
@member_required(Role.HIRING_MANAGER)
@require_POST
def document_upload(request, public_id):
    """A candidate document: size, type from the bytes, generated name and quota are the service's checks."""
    candidate = _visible_candidate(request, public_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.upload_document(
                actor=request.member, candidate=candidate, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_service_error(form, error, "file")
        else:
            messages.success(request, _("“%(name)s” uploaded.") % {"name": document.original_name})
            return redirect(reverse("hiring:candidate_detail", args=[candidate.public_id]) + "#documents")
    return _render_candidate(request, candidate, status=400, document_form=form)


@member_required(Role.HIRING_MANAGER)
def document_download(request, public_id):
    """Always a download, never rendered by the browser: attachment, the sniffed type, nosniff, a sandbox CSP."""
    document = get_visible_or_404(Document, request.member, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@member_required(Role.HIRING_MANAGER)
@require_POST
def document_delete(request, public_id):
    document = get_visible_or_404(
        Document, request.member, public_id, queryset=Document.objects.select_related("candidate")
    )
    candidate = document.candidate
    services.delete_document(actor=request.member, document=document)
    messages.success(request, _("“%(name)s” deleted.") % {"name": document.original_name})
    return redirect(reverse("hiring:candidate_detail", args=[candidate.public_id]) + "#documents")


# --- Interviews and decisions ---------------------------------------------------------------------------------------


@member_required(Role.HIRING_MANAGER)
@require_POST
def interview_schedule(request, public_id):
    member = request.member
    candidate = _visible_candidate(request, public_id)
    form = InterviewForm(request.POST, member=member)
    if form.is_valid():
        try:
            interview = services.schedule_interview(actor=member, candidate=candidate, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Interview scheduled with %(name)s.") % {"name": interview.interviewer.user.display_name}
            )
            return redirect(reverse("hiring:candidate_detail", args=[candidate.public_id]) + "#interviews")
    return _render_candidate(request, candidate, status=400, interview_form=form)


@member_required(Role.HIRING_MANAGER)
@require_POST
def decision_record(request, public_id):
    """A person records the decision with a reason (AI-3); the system never decides."""
    candidate = _visible_candidate(request, public_id)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.record_decision(actor=request.member, candidate=candidate, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("Decision recorded: %(outcome)s.") % {"outcome": decision.get_outcome_display()}
            )
            return redirect(reverse("hiring:candidate_detail", args=[candidate.public_id]) + "#decision")
    return _render_candidate(request, candidate, status=400, decision_form=form)


@member_required()
@require_GET
def my_interviews(request):
    """The interviews assigned to the member, upcoming first (ORG-2: an interviewer's start page)."""
    member = request.member
    now = timezone.now()
    mine = Interview.objects.visible_to(member).filter(interviewer=member).select_related("candidate__hiring")
    is_upcoming = Q(scheduled_at__gte=now, status=Interview.Status.SCHEDULED)
    upcoming = mine.filter(is_upcoming).order_by("scheduled_at", "pk")
    past = mine.exclude(is_upcoming).order_by("-scheduled_at", "-pk")
    return render(
        request,
        "hiring/my_interviews.html",
        {"upcoming": upcoming[:DASHBOARD_ROWS], "past": past[:DASHBOARD_ROWS], "now": now},
    )


def _visible_interview(request, public_id) -> Interview:
    queryset = Interview.objects.select_related("candidate__hiring", "interviewer__user")
    return get_visible_or_404(Interview, request.member, public_id, queryset=queryset)


@member_required()
def interview_detail(request, public_id):
    interview = _visible_interview(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    return _render_interview(request, interview)


def _render_interview(request, interview, *, reassign_form=None, status=200):
    member = request.member
    manages = _manages(member)
    context = {
        "interview": interview,
        "candidate": interview.candidate,
        "hiring": interview.candidate.hiring,
        "criteria": _criteria_with_kit(member, interview.candidate.hiring),
        "manages": manages,
        "is_past": interview.scheduled_at < timezone.now(),
    }
    if manages:
        context["reassign_form"] = reassign_form or ReassignForm(
            member=member, initial={"interviewer": interview.interviewer.public_id if interview.interviewer else None}
        )
    return render(request, "hiring/interview_detail.html", context, status=status)


@member_required(Role.HIRING_MANAGER)
@require_POST
def interview_reassign(request, public_id):
    interview = _visible_interview(request, public_id)
    form = ReassignForm(request.POST, member=request.member)
    if form.is_valid():
        try:
            services.reassign_interview(
                actor=request.member, interview=interview, interviewer=form.cleaned_data["interviewer"]
            )
        except ValidationError as error:
            apply_service_error(form, error, "interviewer")
        else:
            messages.success(
                request, _("Interview reassigned to %(name)s.") % {"name": interview.interviewer.user.display_name}
            )
            return redirect("hiring:interview_detail", public_id=interview.public_id)
    return _render_interview(request, interview, reassign_form=form, status=400)


# --- Dashboard (OPS-3) ----------------------------------------------------------------------------------------------


@member_required(Role.HIRING_MANAGER)
@require_GET
def dashboard(request):
    """Pipeline per hiring, interviews awaiting review, and the retention and consent sections (OPS-3).

    A fixed number of queries whatever the number of candidates: counts are annotations, lists are joined.
    """
    member = request.member
    now = timezone.now()
    hirings = list(
        Hiring.objects.visible_to(member)
        .exclude(status=Hiring.Status.CLOSED)
        .with_pipeline_counts()
        .order_by("-created_at", "-pk")[:DASHBOARD_ROWS]
    )
    interviews = Interview.objects.visible_to(member)
    awaiting = (
        interviews.filter(status=Interview.Status.SCHEDULED, scheduled_at__lt=now)
        .select_related("candidate__hiring", "interviewer__user")
        .order_by("scheduled_at", "pk")
    )
    totals = interviews.aggregate(
        upcoming=Count("pk", distinct=True, filter=Q(status=Interview.Status.SCHEDULED, scheduled_at__gte=now)),
        awaiting=Count("pk", distinct=True, filter=Q(status=Interview.Status.SCHEDULED, scheduled_at__lt=now)),
    )
    active_stages = ("applied", "screening", "interview", "offer")
    rows = [_row(hiring) for hiring in hirings]
    return render(
        request,
        "hiring/dashboard.html",
        {
            "rows": rows,
            "awaiting": awaiting[:DASHBOARD_ROWS],
            "open_hirings": sum(1 for h in hirings if h.status == Hiring.Status.OPEN),
            "in_pipeline": sum(getattr(h, f"count_{stage}") for h in hirings for stage in active_stages),
            "upcoming_count": totals["upcoming"],
            "awaiting_count": totals["awaiting"],
            "stage_choices": Stage.choices,
        },
    )
