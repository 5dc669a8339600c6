"""Hirings: the list, create, edit, the detail page with its candidates and kit, and access grants (ORG-4)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Min, Prefetch, Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Membership
from hiring import services
from hiring.forms import GrantForm, HiringForm, QuestionForm
from hiring.models import Candidate, Criterion, Hiring, Interview, InterviewQuestion, Stage
from hiring.views.shared import GET_ONLY, hiring_row, manages_hirings, pipeline, search_text
from interview_analyzer.forms import apply_service_error
from interview_analyzer.page_panels import table_columns
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404

HIRINGS_PER_PAGE = 25
CANDIDATES_PER_PAGE = 50
HIRING_SORTS = {"newest": ("-created_at", "-pk"), "oldest": ("created_at", "pk"), "title": ("title", "pk")}
CANDIDATE_SORTS = {"newest": ("-created_at", "-pk"), "name": ("name", "pk"), "stage": ("stage", "name", "pk")}


@member_required()
@require_GET
def hiring_list(request):
    """Hirings the member may see (ORG-4): search by title, filter by status, sort; pipeline counts for managers."""
    member = request.member
    manages = manages_hirings(member)
    query = search_text(request)
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
    rows = [hiring_row(hiring, manages) for hiring in page]
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


def visible_hiring(request, public_id) -> Hiring:
    """The hiring, with its pipeline counts for those who manage it."""
    member = request.member
    queryset = Hiring.objects.select_related("owner__user")
    if manages_hirings(member):
        queryset = queryset.with_pipeline_counts()
    return get_visible_or_404(Hiring, member, public_id, queryset=queryset)


def criteria_with_kit(member, hiring):
    questions = InterviewQuestion.objects.visible_to(member)
    return (
        Criterion.objects.visible_to(member)
        .filter(hiring=hiring)
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by("position", "pk")
    )


@member_required()
def hiring_detail(request, public_id):
    hiring = visible_hiring(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    return render_hiring(request, hiring)


def render_hiring(request, hiring, *, status=200, grant_form=None, question_form=None, question_for=None):
    member = request.member
    manages = manages_hirings(member)
    criteria = list(criteria_with_kit(member, hiring))
    kit = []
    for criterion in criteria:
        form = question_form if criterion.pk == question_for else None
        kit.append((criterion, form or QuestionForm(auto_id=f"q-{criterion.public_id}-%s")))
    context = {"hiring": hiring, "kit": kit, "manages": manages}
    if manages:
        query = search_text(request)
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
        page = Paginator(candidates, CANDIDATES_PER_PAGE).get_page(request.GET.get("page"))
        context.update(
            {
                "page": page,
                # Columns other apps add to the list (consent's status, CON-6): one query each for the whole page.
                "columns": table_columns("hiring.candidates", request, page.object_list),
                "query": query,
                "stage": stage,
                "sort": sort,
                "filtered": bool(query or stage),
                "stage_choices": Stage.choices,
                "pipeline": pipeline(hiring),
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
    initial = {
        "title": hiring.title,
        "status": hiring.status,
        "interview_language": hiring.interview_language,
        "description": hiring.description,
    }
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
    hiring = visible_hiring(request, public_id)
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
    return render_hiring(request, hiring, status=400, grant_form=form)


@member_required(Role.HIRING_MANAGER)
@require_POST
def hiring_member_revoke(request, public_id):
    member = request.member
    hiring = get_visible_or_404(Hiring, member, public_id)
    target = get_visible_or_404(Membership, member, request.POST.get("member", ""))
    services.revoke_hiring_access(actor=member, hiring=hiring, member=target)
    messages.success(request, _("%(name)s no longer has access to this hiring.") % {"name": target.user.display_name})
    return redirect(reverse("hiring:hiring_detail", args=[hiring.public_id]) + "#members")
