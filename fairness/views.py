"""The fairness pages for admins (FAIR-1): category settings, the report per hiring and per organization, CSV.

Admins only, and every other member gets the same 404 as for something that does not exist: the report's very
existence per hiring is nothing an evaluator needs to learn. Thin: ``services`` writes, ``report`` reads, and the
pages print only aggregates (``statistics``), never a person's answer.
"""

import csv
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fairness import chart, report, services
from fairness.forms import CategoryForm
from fairness.models import SelfIdentificationCategory
from fairness.statistics import COMPLEMENT, FOUR_FIFTHS, MIN_GROUP
from hiring.models import Hiring
from interview_analyzer.forms import apply_service_error
from interview_analyzer.permissions import member_may
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404


def admin_or_404(view):
    """Anonymous → sign in; a member below admin (or unverified) → 404, the same as for nothing there (FAIR-1)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not member_may(request.member, Role.ADMIN):
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.required_role = Role.ADMIN
    return wrapped


def _category_form(category, data=None):
    initial = {
        "name": category.name,
        "enabled": category.enabled,
        "options": "\n".join(option.label for option in category.options.all() if option.active),
    }
    return CategoryForm(data, initial=initial, prefix=category.public_id)


@admin_or_404
@require_http_methods(["GET", "HEAD", "POST"])
def settings_page(request):
    """The categories asked on candidates' portals; POST adds one."""
    member = request.member
    if request.method == "GET":
        services.suggest_categories(actor=member)
    new_form = CategoryForm(request.POST if request.method == "POST" else None, prefix="new")
    status = 200
    if request.method == "POST":
        if new_form.is_valid():
            try:
                services.save_category(
                    actor=member,
                    category=None,
                    name=new_form.cleaned_data["name"],
                    enabled=new_form.cleaned_data["enabled"],
                    options=new_form.option_lines(),
                )
            except ValidationError as error:
                apply_service_error(new_form, error)
            else:
                messages.success(request, _("Category added."))
                return redirect("fairness:settings")
        status = 400
    return _settings(request, new_form=new_form, status=status)


def _settings(request, *, new_form, edited=None, status=200):
    categories = SelfIdentificationCategory.objects.visible_to(request.member).prefetch_related("options")
    forms = [
        (category, edited if edited and edited.prefix == category.public_id else _category_form(category))
        for category in categories
    ]
    return render(request, "fairness/settings.html", {"category_forms": forms, "new_form": new_form}, status=status)


@admin_or_404
@require_POST
def category_edit(request, public_id):
    member = request.member
    category = get_visible_or_404(SelfIdentificationCategory, member, public_id)
    form = CategoryForm(request.POST, prefix=category.public_id)
    if form.is_valid():
        try:
            services.save_category(
                actor=member,
                category=category,
                name=form.cleaned_data["name"],
                enabled=form.cleaned_data["enabled"],
                options=form.option_lines(),
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Category saved."))
            return redirect("fairness:settings")
    return _settings(request, new_form=CategoryForm(prefix="new"), edited=form, status=400)


def _page(request, built, hiring=None):
    hirings = Hiring.objects.visible_to(request.member).only("public_id", "title")
    context = {
        "report": built,
        "hiring": hiring,
        "hirings": hirings,
        "charts": {item.category.pk: chart.for_category(item) for item in built.categories},
        "min_group": MIN_GROUP,
        "four_fifths": FOUR_FIFTHS,
        "complement": COMPLEMENT,
    }
    return render(request, "fairness/report.html", context)


@admin_or_404
@require_http_methods(["GET", "HEAD"])
def organization_report(request):
    return _page(request, report.build(request.member))


@admin_or_404
def hiring_report(request, public_id):
    hiring = get_visible_or_404(Hiring, request.member, public_id)  # before the method: a foreign id is a 404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _page(request, report.build(request.member, hiring), hiring)


def _percent(value) -> str:
    return "" if value is None else f"{float(value) * 100:.1f}"


def _ratio(value) -> str:
    return "" if value is None else f"{float(value):.3f}"


def _csv(built, filename: str) -> HttpResponse:
    """Every figure of the page, with the counts behind it; hidden groups have empty counts and say why."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "scope",
            "category",
            "measure",
            "line",
            "group",
            "n",
            "N",
            "rate_percent",
            "impact_ratio",
            "reference",
            "four_fifths_flag",
            "note",
        ]
    )
    scope = built.hiring.public_id if built.hiring else "organization"
    notes = {
        "small": f"fewer than {MIN_GROUP} candidates",
        COMPLEMENT: "hidden so that a smaller group cannot be worked out",
    }
    for item in built.categories:
        sections = [
            ("applied", [report.Line("applied", "Applied", item.sizes)]),
            ("stage", item.stages),
            ("score_at_or_above_median", item.scores),
        ]
        for measure, lines in sections:
            for line in lines:
                for figure in line.figures:
                    writer.writerow(
                        [
                            scope,
                            _safe(item.category.name),
                            measure,
                            _safe(line.label if measure != "stage" else line.key),
                            _safe(figure.group.label),
                            "" if figure.n is None else figure.n,
                            "" if figure.total is None else figure.total,
                            _percent(figure.rate),
                            _ratio(figure.impact_ratio),
                            "yes" if figure.reference else "",
                            "yes" if figure.flagged else "",
                            notes.get(figure.hidden, ""),
                        ]
                    )
    return response


def _safe(value: str) -> str:
    """No spreadsheet formula from a name an admin typed (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@admin_or_404
@require_http_methods(["GET", "HEAD"])
def organization_report_csv(request):
    return _csv(report.build(request.member), "fairness-report.csv")


@admin_or_404
def hiring_report_csv(request, public_id):
    hiring = get_visible_or_404(Hiring, request.member, public_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return _csv(report.build(request.member, hiring), f"fairness-report-{hiring.public_id}.csv")
