"""Interviews and decisions: scheduling, "My interviews", the interview page, reassignment, recording a
decision (AI-3)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hiring import services
from hiring.access_log import AccessKind, reads_candidate_data, record_view
from hiring.forms import CancelInterviewForm, DecisionForm, InterviewForm, ReassignForm
from hiring.models import Interview
from hiring.views.candidates import render_candidate, visible_candidate
from hiring.views.hirings import criteria_with_kit
from hiring.views.shared import GET_ONLY, manages_hirings
from interview_analyzer.errors import Conflict
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404

# Rows of each list on "My interviews".
DASHBOARD_ROWS = 50


@member_required(Role.HIRING_MANAGER)
@require_POST
def interview_schedule(request, public_id):
    member = request.member
    candidate = visible_candidate(request, public_id)
    form = InterviewForm(request.POST, member=member)
    if form.is_valid():
        fields = dict(form.cleaned_data)
        held = fields.pop("held")
        try:
            if held:
                interview = services.log_held_interview(
                    actor=member,
                    candidate=candidate,
                    interviewer=fields["interviewer"],
                    held_at=fields["scheduled_at"],
                    duration_minutes=fields["duration_minutes"],
                )
            else:
                interview = services.schedule_interview(actor=member, candidate=candidate, **fields)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            name = interview.interviewer.user.display_name
            if held:
                messages.success(
                    request, _("Interview with %(name)s logged. Upload its recording here.") % {"name": name}
                )
                return redirect(reverse("hiring:interview_detail", args=[interview.public_id]) + "#recording")
            messages.success(request, _("Interview scheduled with %(name)s.") % {"name": name})
            return redirect(reverse("hiring:candidate_detail", args=[candidate.public_id]) + "#interviews")
    return render_candidate(request, candidate, status=400, interview_form=form)


@member_required(Role.HIRING_MANAGER)
@require_POST
def decision_record(request, public_id):
    """A person records the decision with a reason (AI-3); the system never decides."""
    candidate = visible_candidate(request, public_id)
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
    return render_candidate(request, candidate, status=400, decision_form=form)


@member_required()
@require_GET
def my_interviews(request):
    """The interviews assigned to the member, upcoming first (ORG-2: an interviewer's start page)."""
    return render_my_interviews(request)


def render_my_interviews(request, *, home: bool = False):
    member = request.member
    now = timezone.now()
    mine = Interview.objects.visible_to(member).filter(interviewer=member).select_related("candidate__hiring")
    is_upcoming = Q(scheduled_at__gte=now, status=Interview.Status.SCHEDULED)
    upcoming = mine.filter(is_upcoming).order_by("scheduled_at", "pk")
    past = mine.exclude(is_upcoming).order_by("-scheduled_at", "-pk")
    return render(
        request,
        "hiring/my_interviews.html",
        {"upcoming": upcoming[:DASHBOARD_ROWS], "past": past[:DASHBOARD_ROWS], "now": now, "home": home},
    )


def _visible_interview(request, public_id) -> Interview:
    queryset = Interview.objects.select_related("candidate__hiring", "interviewer__user", "closed_by__user")
    return get_visible_or_404(Interview, request.member, public_id, queryset=queryset)


@reads_candidate_data(AccessKind.INTERVIEW)
@member_required()
def interview_detail(request, public_id):
    interview = _visible_interview(request, public_id)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    record_view(request, interview.candidate, AccessKind.INTERVIEW, interview)
    return _render_interview(request, interview)


def _render_interview(request, interview, *, reassign_form=None, cancel_form=None, status=200):
    member = request.member
    manages = manages_hirings(member)
    context = {
        "interview": interview,
        "candidate": interview.candidate,
        "hiring": interview.candidate.hiring,
        "criteria": criteria_with_kit(member, interview.candidate.hiring),
        "manages": manages,
        "is_past": interview.scheduled_at < timezone.now(),
        "can_complete": interview.is_open and (manages or interview.interviewer_id == member.pk),
        "can_cancel": interview.is_open and manages,
        "cancel_form": cancel_form or CancelInterviewForm(),
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


@member_required()
@require_POST
def interview_complete(request, public_id):
    """Mark the interview held: its interviewer or whoever manages the hiring; who and when are kept."""
    interview = _visible_interview(request, public_id)
    try:
        services.complete_interview(actor=request.member, interview=interview)
    except Conflict as error:
        messages.error(request, str(error))
        return _render_interview(request, interview, status=409)
    messages.success(request, _("Interview marked as completed."))
    return redirect("hiring:interview_detail", public_id=interview.public_id)


@member_required(Role.HIRING_MANAGER)
@require_POST
def interview_cancel(request, public_id):
    interview = _visible_interview(request, public_id)
    form = CancelInterviewForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_interview(actor=request.member, interview=interview, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            apply_service_error(form, error, "reason")
        except Conflict as error:
            messages.error(request, str(error))
            return _render_interview(request, interview, status=409)
        else:
            messages.success(request, _("Interview cancelled."))
            return redirect("hiring:interview_detail", public_id=interview.public_id)
    return _render_interview(request, interview, cancel_form=form, status=400)
