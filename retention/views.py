"""Retention's pages: the organization's period (admins, RET-1), a candidate's period and erasure (recruiters and
up, RET-1, RET-6), the deletion records with their export (admins, RET-5), and the one-click extension from the
warning email (RET-3; the signed link is the credential, no sign-in)."""

import csv

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hiring.models import Candidate
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404
from retention import services
from retention.forms import CandidatePeriodForm, EraseForm, OrganizationPeriodForm
from retention.models import DeletionRecord, Trigger

GET_OR_POST = ["GET", "HEAD", "POST"]


@member_required(Role.ADMIN)
@require_http_methods(GET_OR_POST)
def policy(request):
    organization = request.member.organization
    form = OrganizationPeriodForm(
        request.POST if request.method == "POST" else None, initial={"days": organization.retention_days}
    )
    if form.is_bound and form.is_valid():
        try:
            services.set_organization_period(actor=request.member, days=form.cleaned_data["days"])
        except ValidationError as error:
            apply_service_error(form, error, "days")
        else:
            messages.success(request, _("Retention period saved. Every candidate's deletion date follows it."))
            return redirect("retention:policy")
    return render(request, "retention/policy.html", {"form": form}, status=400 if form.errors else 200)


@member_required(Role.RECRUITER)
@require_POST
def candidate_period(request, public_id):
    candidate = get_visible_or_404(Candidate, request.member, public_id)
    form = CandidatePeriodForm(request.POST)
    if form.is_valid():
        try:
            services.set_candidate_period(actor=request.member, candidate=candidate, days=form.cleaned_data["days"])
        except ValidationError as error:
            apply_service_error(form, error, "days")
        else:
            messages.success(request, _("Retention period of this candidate saved."))
            return redirect("hiring:candidate_detail", public_id=candidate.public_id)
    from hiring.views.candidates import render_candidate

    request.retention_period_form = form  # the candidate page's retention card shows it with its errors
    return render_candidate(request, candidate, status=400)


@member_required(Role.RECRUITER)
@require_http_methods(GET_OR_POST)
def erase(request, public_id):
    """The "Erase candidate" button leads here: what will go, a reason and an explicit confirmation (RET-6)."""
    candidate = get_visible_or_404(Candidate, request.member, public_id)
    form = EraseForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            record = services.erase_candidate(
                candidate, reason=form.cleaned_data["reason"], trigger=Trigger.STAFF_REQUEST, actor=request.member
            )
        except ValidationError as error:
            apply_service_error(form, error, "reason")
        except services.CandidateGone:
            messages.info(request, _("This candidate's data had already been erased."))
            return redirect("hiring:hiring_list")
        else:
            messages.success(
                request,
                _("The candidate and everything held about them were erased (deletion record %(record)s).")
                % {"record": record.public_id},
            )
            return redirect("hiring:hiring_detail", public_id=candidate.hiring.public_id)
    from retention import graph

    counts = [
        (model._meta.verbose_name, rows.count())
        for model, rows in graph.candidate_rows(candidate)
        if not model._meta.auto_created
    ]
    context = {"candidate": candidate, "form": form, "counts": [(name, n) for name, n in counts if n]}
    return render(request, "retention/erase_confirm.html", context, status=400 if form.errors else 200)


def _records(request):
    return DeletionRecord.objects.visible_to(request.member).select_related("actor")


@member_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD"])
def deletion_records(request):
    page = Paginator(_records(request), 50).get_page(request.GET.get("page"))
    return render(request, "retention/deletion_records.html", {"page": page})


@member_required(Role.ADMIN)
@require_http_methods(["GET", "HEAD"])
def deletion_records_csv(request):
    """Every deletion record of the organization as CSV (RET-5), for an auditor or a data-protection officer."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="deletion-records.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "id",
            "erased_at",
            "trigger",
            "reason",
            "by",
            "rows",
            "counts",
            "storage_objects",
            "storage_objects_removed",
            "storage_confirmed_at",
            "public_ids_sha256",
            "public_id_count",
        ]
    )
    for record in _records(request).iterator():
        writer.writerow(
            [
                record.public_id,
                record.erased_at.isoformat(),
                record.trigger,
                _csv_cell(record.reason),
                record.actor_label,
                sum(record.counts.values()),
                " ".join(f"{kind}={count}" for kind, count in sorted(record.counts.items())),
                record.storage_objects,
                record.storage_objects_removed,
                record.storage_confirmed_at.isoformat() if record.storage_confirmed_at else "",
                record.public_ids_digest,
                record.public_id_count,
            ]
        )
    return response


def _csv_cell(value: str) -> str:
    """Spreadsheets run cells that start with = + - @ as formulas: such a cell gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@require_http_methods(GET_OR_POST)
def extend(request, token):
    """The link in the expiry warning (RET-3). GET shows what the click does (mail scanners open links; a GET
    changes nothing); the button POSTs once and spends the link."""
    try:
        link = services.open_extension(token)
    except services.ExtensionRefused as refusal:
        services.note_refused_extension(token, refusal)
        return render(request, "retention/extend_refused.html", {"reason": refusal.reason}, status=410)
    if request.method == "POST":
        try:
            clock = services.extend(token)
        except services.ExtensionRefused as refusal:
            return render(request, "retention/extend_refused.html", {"reason": refusal.reason}, status=410)
        return render(request, "retention/extend_done.html", {"clock": clock})
    context = {"link": link, "clock": link.clock, "extension_days": settings.RETENTION_EXTENSION_DAYS}
    return render(request, "retention/extend.html", context)
