"""Criteria and the interview kit of a hiring: add, edit, delete a criterion, add a question."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hiring import services
from hiring.forms import CriterionForm, QuestionForm
from hiring.models import Criterion, Hiring, InterviewQuestion
from hiring.views.hirings import render_hiring, visible_hiring
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404


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
    hiring = visible_hiring(request, criterion.hiring.public_id)
    return render_hiring(request, hiring, status=400, question_form=form, question_for=criterion.pk)
